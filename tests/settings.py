"""Saleor's own test settings; the plugin joins INSTALLED_APPS through its entry point."""

from saleor.tests.settings import *  # noqa: F403
