"""The REST API (FastAPI): ``create_app(workspace_url, settings)``; served by ``custseg serve``."""

from custseg.api.app import create_app
from custseg.api.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
