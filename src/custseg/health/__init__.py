"""The health check of every scheme of a run (``custseg check``, the summary line of ``run``)."""

from custseg.health.checks import check_health
from custseg.health.finding import CHECKS, Finding

__all__ = ["CHECKS", "Finding", "check_health"]
