"""Setuptools hook: the wheel carries the dashboard extension's production build.

Metadata lives in setup.cfg. ``build_py`` runs the frontend build (npm ci +
npm run build into ``saleor_amazon_feeds/dashboard/static``) when that folder
is missing or stale, before the package data is collected, so a wheel always
holds the pages and installing it needs no Node. An sdist ships the built
folder instead of the frontend's sources. Editable installs (``pip install
-e``, used by ``make venv``) skip it: there the plugin serves the folder in
the checkout, which ``make test``/``demo``/``serve`` keep built.
"""

import runpy
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithDashboard(build_py):
    def run(self) -> None:
        if not getattr(self, "editable_mode", False):
            builder = runpy.run_path(str(ROOT / "scripts" / "build_dashboard.py"))
            builder["ensure_built"]()
        super().run()


setup(cmdclass={"build_py": BuildPyWithDashboard})
