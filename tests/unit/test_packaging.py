"""The wheel carries the dashboard extension's build; installing it needs no Node.

Builds a real wheel of this checkout (``uv build``, else ``pip wheel``), looks
inside, installs it into a fresh virtual environment with no Node.js on the
PATH and reads the pages through the installed package. Also pins down the
staleness check ``make test``/``demo``/``serve`` and the wheel build rely on.
"""

import os
import re
import runpy
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "saleor_amazon_feeds" / "dashboard" / "static"
BUILDER = runpy.run_path(str(ROOT / "scripts" / "build_dashboard.py"))


def _uv() -> str | None:
    for candidate in (shutil.which("uv"), ROOT / ".cache" / "uv-venv" / "bin" / "uv"):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _require_build() -> None:
    if BUILDER["is_current"]():
        return
    message = "the dashboard build is missing or stale (scripts/build_dashboard.py)"
    if os.environ.get("AMAZON_FEEDS_FRONTEND_REQUIRED"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    _require_build()
    out = tmp_path_factory.mktemp("wheel")
    uv = _uv()
    if uv:
        command = [uv, "build", "--wheel", "--out-dir", str(out), str(ROOT)]
    else:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out)]
        command.append(str(ROOT))
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, (
        completed.stdout[-3000:] + completed.stderr[-3000:]
    )
    (built,) = out.glob("saleor_amazon_feeds-*.whl")
    return built


def test_wheel_contains_the_dashboard_build(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "saleor_amazon_feeds/dashboard/static/index.html" in names
    index = zipfile.ZipFile(wheel).read(
        "saleor_amazon_feeds/dashboard/static/index.html"
    )
    referenced = re.findall(
        rb'(?:src|href)="/plugins/global/[^/]+/dashboard/([^"]+)"', index
    )
    assert referenced
    for asset in referenced:
        assert f"saleor_amazon_feeds/dashboard/static/{asset.decode()}" in names
    # Every file of the build is in the wheel, the gzip copies included.
    built = {
        "saleor_amazon_feeds/dashboard/static/" + str(p.relative_to(STATIC))
        for p in STATIC.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert built <= names
    # Frontend sources and dependencies are not.
    assert not any(
        n.startswith(("dashboard-extension/", "node_modules/")) for n in names
    )


def test_wheel_declares_the_plugin_and_the_sandbox_command(wheel):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "saleor_amazon_feeds = saleor_amazon_feeds.plugin:AmazonFeedsPlugin" in text
    assert "amazon-feeds-sandbox = saleor_amazon_feeds.sandbox.__main__:main" in text
    # Everything the sandbox serves from is in the wheel too.
    data = ROOT / "saleor_amazon_feeds" / "sandbox" / "data"
    shipped = {
        "saleor_amazon_feeds/sandbox/data/" + str(p.relative_to(data))
        for p in data.rglob("*.json")
    }
    assert shipped
    assert shipped <= set(archive.namelist())


def test_installed_wheel_has_the_pages_without_node(wheel, tmp_path):
    uv = _uv()
    if uv is None:
        pytest.skip("uv is needed to make the throwaway environment")
    venv = tmp_path / "venv"
    subprocess.run(
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True
    )
    python = venv / "bin" / "python"
    # No dependencies (Saleor is not installable from PyPI): only the files.
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--python",
            str(python),
            str(wheel),
        ],
        check=True,
    )
    no_node = {"PATH": str(venv / "bin"), "HOME": str(tmp_path)}
    probe = (
        "import importlib.resources as r;"
        "print((r.files('saleor_amazon_feeds.dashboard') / 'static' / 'index.html')"
        ".read_text())"
    )
    completed = subprocess.run(
        [str(python), "-c", probe],
        capture_output=True,
        text=True,
        env=no_node,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == (STATIC / "index.html").read_text().strip()
    assert shutil.which("node", path=no_node["PATH"]) is None


# -- the staleness check ---------------------------------------------------------------


@pytest.fixture
def frontend(tmp_path, monkeypatch) -> Path:
    """A miniature frontend tree laid out as dashboard-extension/ is."""
    tree = tmp_path / "dashboard-extension"
    (tree / "src" / "gql").mkdir(parents=True)
    (tree / "node_modules" / "x").mkdir(parents=True)
    (tree / "package.json").write_text("{}")
    (tree / "package-lock.json").write_text("{}")
    (tree / "src" / "main.tsx").write_text("export {}")
    (tree / "src" / "gql" / "graphql.ts").write_text("// generated")
    (tree / "node_modules" / "x" / "index.js").write_text("1")
    schema = tmp_path / "schema.graphql"
    schema.write_text("type Query { a: Int }")
    monkeypatch.setitem(BUILDER["sources_digest"].__globals__, "ROOT", tmp_path)
    return tree


def digest(tree: Path) -> str:
    return BUILDER["sources_digest"](tree, tree.parent / "schema.graphql")


@pytest.mark.parametrize(
    "change",
    ["src/main.tsx", "package-lock.json", "src/new.test.tsx", "../schema.graphql"],
)
def test_digest_changes_with_sources_lock_and_schema(frontend, change):
    before = digest(frontend)
    (frontend / change).write_text("changed")
    assert digest(frontend) != before


@pytest.mark.parametrize(
    "change", ["src/gql/graphql.ts", "node_modules/x/index.js", "dist/index.html"]
)
def test_digest_ignores_generated_code_dependencies_and_output(frontend, change):
    before = digest(frontend)
    (frontend / change).parent.mkdir(parents=True, exist_ok=True)
    (frontend / change).write_text("changed")
    assert digest(frontend) == before


def test_is_current_needs_index_and_matching_stamp(tmp_path):
    out = tmp_path / "static"
    out.mkdir()
    assert not BUILDER["is_current"](out)
    (out / "index.html").write_text("<html>")
    assert not BUILDER["is_current"](out)
    (out / ".build-stamp").write_text("not-the-digest\n")
    assert not BUILDER["is_current"](out)
    (out / ".build-stamp").write_text(BUILDER["sources_digest"]() + "\n")
    assert BUILDER["is_current"](out)


def test_precompress_writes_smaller_gzip_copies(tmp_path):
    import gzip

    (tmp_path / "app.js").write_text("console.log('amazon');\n" * 500)
    (tmp_path / "tiny.css").write_text("a{}")
    (tmp_path / "font.woff2").write_bytes(os.urandom(4096))
    BUILDER["precompress"](tmp_path)
    assert (
        gzip.decompress((tmp_path / "app.js.gz").read_bytes())
        == (tmp_path / "app.js").read_bytes()
    )
    assert not (tmp_path / "tiny.css.gz").exists()
    assert not (tmp_path / "font.woff2.gz").exists()
