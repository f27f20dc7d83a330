"""Test harness: Saleor-free tests always run; the Saleor suite needs a Saleor tree.

With a Saleor 3.23+ source tree importable (``make test`` puts ``$SALEOR_SRC`` on the
path) and pytest-django installed, Saleor's own root conftest is loaded so its fixtures
(``product``, ``channel_USD``, ``staff_api_client``...) and database handling are
reused. Without it, tests marked ``saleor`` are not collected and the run reports the
whole suite as skipped with one line saying why.

Tests marked ``spapi`` need Amazon's published models and schemas, tests marked
``spapi_samples`` the synthetic samples of a shared ``amazon-spapi`` folder (see
``saleor_amazon_feeds.spapi_spec``). Where those are absent they are skipped here, in
one place, so the summary shows one line per reason and one loud line says how to get
the models.
"""

import importlib.util
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from saleor_amazon_feeds import spapi_spec

ROOT = Path(__file__).resolve().parent
SALEOR_TESTS_DIR = ROOT / "tests" / "saleor"
# Where `make test` clones Saleor when SALEOR_SRC is unset (scripts/bootstrap.sh).
DEFAULT_SALEOR_SRC = Path("~/.cache/saleor/3.23.28").expanduser()
OLDEST_SALEOR = (3, 23)


def _saleor_version(init_file: str) -> str | None:
    # Read, not imported: importing Saleor before Django is set up has side effects,
    # and the version must be known to decide whether to set Django up at all.
    match = re.search(
        r"^__version__\s*=\s*[\"']([^\"']+)", Path(init_file).read_text(), re.M
    )
    return match[1] if match else None


def _saleor_unavailable_reason() -> str | None:
    spec = importlib.util.find_spec("saleor")
    if spec is None:
        src = os.environ.get("SALEOR_SRC", str(DEFAULT_SALEOR_SRC))
        return (
            f"no Saleor source tree at {src}: put a Saleor 3.23+ tree there (or set "
            "SALEOR_SRC) and run `make test`"
        )
    version = _saleor_version(spec.origin) if spec.origin else None
    numbers = tuple(int(n) for n in re.findall(r"\d+", version or "")[:2])
    if numbers < OLDEST_SALEOR:
        return (
            f"Saleor {version} at {Path(spec.origin).parent.parent} is older than "
            "3.23, which the plugin needs: set SALEOR_SRC to a 3.23+ tree"
        )
    if importlib.util.find_spec("pytest_django") is None:
        return "pytest-django is not installed: run `make test` to bootstrap the venv"
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
        "tests.fixtures.reliability",
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


def pytest_configure(config: pytest.Config) -> None:
    # Saleor 3.23's conftest skips tests marked slow unless --run-slow is given; the
    # plugin's must always run. Saleor 3.24 dropped the option (and the skipping).
    if hasattr(config.option, "run_slow"):
        config.option.run_slow = True


# -- Amazon's SP-API files -------------------------------------------------------

SPAPI_MARKERS = ("spapi", "spapi_samples")
_spapi_skipped: Counter[str] = Counter()


def _spapi_absent_reason(marker: str) -> str | None:
    if marker == "spapi":
        if spapi_spec.spec_dir() is not None:
            return None
        return (
            f"Amazon's SP-API models absent ({spapi_spec.where_looked()}): "
            "`make spapi-models` fetches them"
        )
    if spapi_spec.samples_dir() is not None:
        return None
    found = spapi_spec.spec_dir()
    where = f"no samples/ in {found}" if found else "no spec folder"
    return (
        f"SP-API samples absent ({where}): they are synthetic test data of a shared "
        "amazon-spapi folder, not Amazon's, and cannot be fetched"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture, so fixtures may load the files without guarding.
    for marker in SPAPI_MARKERS:
        if item.get_closest_marker(marker) is None:
            continue
        reason = _spapi_absent_reason(marker)
        if reason is not None:
            _spapi_skipped[marker] += 1
            pytest.skip(reason)


def _spapi_header() -> str:
    found = spapi_spec.spec_dir()
    if found is None:
        return f"!!! AMAZON SP-API MODELS ABSENT: {_spapi_absent_reason('spapi')}"
    samples = "with" if spapi_spec.samples_dir() else "without"
    return f"Amazon SP-API models from {found} ({samples} samples/)"


def pytest_report_header(config: pytest.Config) -> list[str]:
    if SALEOR_UNAVAILABLE:
        saleor_line = f"!!! SALEOR SUITE SKIPPED: {SALEOR_UNAVAILABLE}"
    else:
        import saleor

        saleor_line = (
            f"Saleor {saleor.__version__} from {Path(saleor.__file__).parent.parent}"
        )
    return [saleor_line, _spapi_header()]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if SALEOR_UNAVAILABLE:
        terminalreporter.write_line(
            f"!!! SALEOR SUITE SKIPPED: {SALEOR_UNAVAILABLE}", red=True, bold=True
        )
    if _spapi_skipped:
        models, samples = _spapi_skipped["spapi"], _spapi_skipped["spapi_samples"]
        parts = []
        if models:
            parts.append(
                f"{models} need Amazon's models: `make spapi-models` fetches them "
                f"from {spapi_spec.REPOSITORY}, or set {spapi_spec.ENV_VAR}"
            )
        if samples:
            parts.append(
                f"{samples} need the synthetic samples/ of a shared amazon-spapi folder"
            )
        total = models + samples
        terminalreporter.write_line(
            f"!!! {total} TEST{'S' if total > 1 else ''} SKIPPED FOR WANT OF SP-API "
            f"FILES: {'; '.join(parts)}",
            red=True,
            bold=True,
        )
