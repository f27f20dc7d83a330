"""Test harness: Saleor-free tests always run; the Saleor suite needs a Saleor tree.

With a Saleor 3.23 source tree importable (``make test`` puts ``$SALEOR_SRC`` on the
path) and pytest-django installed, Saleor's own root conftest is loaded so its fixtures
(``product``, ``channel_USD``, ``staff_api_client``...) and database handling are
reused. Without it, tests marked ``saleor`` are not collected and the run reports the
whole suite as skipped with one line saying why.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SALEOR_TESTS_DIR = ROOT / "tests" / "saleor"
DEFAULT_SALEOR_SRC = Path("~/.cache/saleor/3.23.28").expanduser()


def _saleor_unavailable_reason() -> str | None:
    if importlib.util.find_spec("saleor") is None:
        src = os.environ.get("SALEOR_SRC", str(DEFAULT_SALEOR_SRC))
        return (
            f"no Saleor 3.23.28 source tree at {src}: put one there (or set "
            "SALEOR_SRC) and run `make test`"
        )
    if importlib.util.find_spec("pytest_django") is None:
        return "pytest-django is not installed: run `make test` to bootstrap .venv"
    return None


SALEOR_UNAVAILABLE = _saleor_unavailable_reason()

pytest_plugins = ["tests.fixtures.sandbox"]

if SALEOR_UNAVAILABLE is None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()

    # Saleor's root conftest is not part of its package; load it by path so its
    # database tricks, options and fixture plugins apply exactly as in Saleor's suite.
    _saleor_conftest = (
        Path(sys.modules["saleor"].__file__).parent.parent / "conftest.py"
    )
    _spec = importlib.util.spec_from_file_location(
        "saleor_root_conftest", _saleor_conftest
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["saleor_root_conftest"] = _module
    _spec.loader.exec_module(_module)
    pytest_plugins += [
        "saleor_root_conftest",
        "tests.fixtures.saleor",
        "tests.fixtures.catalog",
        "tests.fixtures.orders",
        "tests.fixtures.sync",
        "tests.fixtures.security",
    ]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if SALEOR_UNAVAILABLE and SALEOR_TESTS_DIR in (
        collection_path,
        *collection_path.parents,
    ):
        return True
    return None


class SaleorSuiteSkipped(pytest.Item):
    """Stands for the whole Saleor suite when it cannot run, so the skip is counted."""

    def runtest(self) -> None:
        pytest.skip(f"Saleor suite skipped: {SALEOR_UNAVAILABLE}")

    def reportinfo(self):
        return self.path, None, "tests/saleor (Saleor suite)"


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if SALEOR_UNAVAILABLE:
        items.append(
            SaleorSuiteSkipped.from_parent(
                session, name="tests/saleor", path=SALEOR_TESTS_DIR
            )
        )
    for item in items:
        if SALEOR_TESTS_DIR in item.path.parents:
            item.add_marker(pytest.mark.saleor)


def pytest_report_header(config: pytest.Config) -> str:
    if SALEOR_UNAVAILABLE:
        return f"!!! SALEOR SUITE SKIPPED: {SALEOR_UNAVAILABLE}"
    import saleor

    return f"Saleor {saleor.__version__} from {Path(saleor.__file__).parent.parent}"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if SALEOR_UNAVAILABLE:
        terminalreporter.write_line(
            f"!!! SALEOR SUITE SKIPPED: {SALEOR_UNAVAILABLE}", red=True, bold=True
        )
