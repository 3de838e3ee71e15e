"""The data profile: what the workspace's data holds as of a date (inputs, rhythm, history).

``profile_data(con, as_of)`` returns a :class:`DataProfile`; every run stores it in the
snapshot (``extra["profile"]``), ``custseg profile`` shows it.
"""

from custseg.profile.compute import DataProfile, profile_data

__all__ = ["DataProfile", "profile_data"]
