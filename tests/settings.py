"""Saleor's test settings; the plugin joins INSTALLED_APPS via its entry point."""

from saleor.tests.settings import *  # noqa: F403
