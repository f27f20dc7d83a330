"""The Saleor dashboard extension: its built pages, served by the plugin, and
the table of extensions the plugin's App registers.

The pages are a separate frontend build (``dashboard-extension/``, output in
``static/``, shipped as package data); this package only serves and lists
them (``services.saleor_app`` registers them with Saleor).
"""

from ..constants import DASHBOARD_PATH, endpoint_path

__all__ = ["DASHBOARD_PATH", "dashboard_path"]


def dashboard_path(page: str = "") -> str:
    """Absolute path (no host) of the dashboard folder or one of its pages."""
    page = page.strip("/")
    return endpoint_path(f"{DASHBOARD_PATH}/{page}" if page else DASHBOARD_PATH)
