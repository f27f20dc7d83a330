"""Build the dashboard extension into the Python package, only when stale.

    python scripts/build_dashboard.py            build if missing or stale
    python scripts/build_dashboard.py --check    exit 1 if missing or stale
    python scripts/build_dashboard.py --force    always build
    python scripts/build_dashboard.py --if-possible   as the first, but no npm is fine

The output (``saleor_amazon_feeds/dashboard/static/``, gitignored) is what the
plugin serves and what the wheel ships. It is stale when the digest of the
frontend's sources, its lock file and the plugin's GraphQL schema (the
frontend's types are generated from it) differs from the one recorded beside
the output. Used by ``make test``/``demo``/``serve`` and by the wheel build
(``setup.py``); standard library only, so it runs before any venv exists.
"""

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "dashboard-extension"
SCHEMA = ROOT / "saleor_amazon_feeds" / "graphql" / "schema.graphql"
OUT = ROOT / "saleor_amazon_feeds" / "dashboard" / "static"
STAMP = ".build-stamp"

# Inputs of the production build: everything but dependencies, generated code
# and outputs. Tests count: the build typechecks them.
_SKIP_DIRS = {"node_modules", "dist", "gql", "coverage"}
_SKIP_SUFFIXES = (".tsbuildinfo",)


def _inputs(frontend: Path) -> list[Path]:
    files = []
    for path in sorted(frontend.rglob("*")):
        relative = path.relative_to(frontend)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and not path.name.endswith(_SKIP_SUFFIXES):
            files.append(path)
    return files


def sources_digest(frontend: Path = FRONTEND, schema: Path = SCHEMA) -> str:
    digest = hashlib.sha256()
    for path in [*_inputs(frontend), schema]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_current(out: Path = OUT) -> bool:
    """The build in ``out`` exists and was made from the current sources."""
    stamp = out / STAMP
    if not (out / "index.html").is_file() or not stamp.is_file():
        return False
    return stamp.read_text().strip() == sources_digest()


def _log(message: str) -> None:
    print(f"[dashboard] {message}", file=sys.stderr, flush=True)


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "[dashboard] npm is needed to build the dashboard extension "
            "(Node.js 20.19 or newer); or install the plugin from a wheel"
        )
    return npm


def ensure_node_modules() -> None:
    """``npm ci`` unless node_modules matches the lock file.

    npm records the installed tree in node_modules/.package-lock.json and
    treats it as current when it is newer than package-lock.json; so do we,
    which leaves a working tree's node_modules alone when nothing changed.
    """
    hidden = FRONTEND / "node_modules" / ".package-lock.json"
    lock = FRONTEND / "package-lock.json"
    manifest = FRONTEND / "package.json"
    if hidden.is_file() and hidden.stat().st_mtime >= max(
        lock.stat().st_mtime, manifest.stat().st_mtime
    ):
        return
    _log("npm ci (dashboard-extension)")
    _run([_npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND)


# Text files worth a gzip copy (fonts are woff2, compressed already).
_COMPRESSIBLE = (".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt")


def precompress(folder: Path, min_size: int = 1024) -> None:
    """A ``.gz`` beside each large text file, for the plugin to serve to
    browsers that accept gzip (Saleor has no compression middleware).
    mtime=0 keeps the output reproducible."""
    for path in folder.rglob("*"):
        if path.suffix in _COMPRESSIBLE and path.stat().st_size >= min_size:
            data = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            if len(data) < path.stat().st_size:
                path.with_name(path.name + ".gz").write_bytes(data)


def build(out: Path = OUT) -> None:
    """Build into a fresh folder beside ``out``, then swap it in, so a failed
    build never leaves a half-written folder for a running server to serve."""
    ensure_node_modules()
    digest = sources_digest()
    staging = out.with_name(f".static-build-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    _log(f"npm run build -> {out.relative_to(ROOT)}")
    try:
        _run(
            [_npm(), "run", "build", "--silent"],
            cwd=FRONTEND,
            env={**os.environ, "DASHBOARD_OUT_DIR": str(staging)},
        )
        if not (staging / "index.html").is_file():
            raise SystemExit("[dashboard] the build wrote no index.html")
        precompress(staging)
        (staging / STAMP).write_text(digest + "\n")
        old = out.with_name(f".static-old-{os.getpid()}")
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def ensure_built(out: Path = OUT, force: bool = False) -> bool:
    """Build when needed; True when a build ran."""
    if not FRONTEND.is_dir():
        if (out / "index.html").is_file():
            return False  # an sdist: the build travels with it
        raise SystemExit(f"[dashboard] neither {FRONTEND} nor a built {out} exists")
    if not force and is_current(out):
        return False
    build(out)
    return True


def _run(args: list[str], **kwargs) -> None:
    """Run quietly; the tool's own output is shown only when it fails."""
    completed = subprocess.run(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-20000:])
        raise SystemExit(
            f"[dashboard] `{' '.join(args[1:])}` failed with exit status "
            f"{completed.returncode} (output above)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when stale")
    parser.add_argument("--force", action="store_true", help="build regardless")
    parser.add_argument(
        "--if-possible",
        action="store_true",
        help="without npm, say so and exit 0 (the demo runs without the pages)",
    )
    args = parser.parse_args(argv)
    if args.if_possible and shutil.which("npm") is None and not is_current():
        _log("npm is missing: the dashboard pages are not built (Node.js >= 20.19)")
        return 0
    if args.check:
        current = is_current()
        _log("up to date" if current else "missing or stale")
        return 0 if current else 1
    if not ensure_built(force=args.force):
        _log("up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
