"""Locate Amazon's published SP-API models and JSON schemas, and fetch them.

The files are Amazon's (Apache-2.0) and are read in place, never copied into the
package or the repository: the sandbox validates requests against them and the tests
validate responses. They are looked for in ``$AMAZON_SPAPI_SPEC_DIR``, else in a
``shared/amazon-spapi`` folder next to the checkout, else in the cache that
``make spapi-models`` (``python -m saleor_amazon_feeds.spapi_spec fetch``) fills from
Amazon's public repository. Nothing here needs Django or anything beyond the standard
library, so the bootstrap script can run it before any venv exists.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

ENV_VAR = "AMAZON_SPAPI_SPEC_DIR"
CACHE_ENV_VAR = "AMAZON_SPAPI_CACHE"
GIT_ENV_VAR = "AMAZON_SPAPI_GIT"

REPOSITORY = "https://github.com/amzn/selling-partner-api-models"
# The commit the plugin and its tests were checked against. Amazon edits models in
# place, so a moving branch could change what "valid" means under a passing suite.
COMMIT = "34dc93fe45f37c9a0b2e56823c808f68b4f81754"

# The flat layout the code reads, and where each file lives in Amazon's repository.
FILES: dict[str, str] = {
    "models/feeds_2021-06-30.json": "models/feeds-api-model/feeds_2021-06-30.json",
    "models/ordersV0.json": "models/orders-api-model/ordersV0.json",
    "models/orders_2026-01-01.json": "models/orders-api-model/orders_2026-01-01.json",
    "models/listingsItems_2021-08-01.json": (
        "models/listings-items-api-model/listingsItems_2021-08-01.json"
    ),
    "models/definitionsProductTypes_2020-09-01.json": (
        "models/product-type-definitions-api-model/"
        "definitionsProductTypes_2020-09-01.json"
    ),
    "models/sellers.json": "models/sellers-api-model/sellers.json",
    "models/notifications.json": "models/notifications-api-model/notifications.json",
    "models/tokens_2021-03-01.json": "models/tokens-api-model/tokens_2021-03-01.json",
    **{
        f"schemas/{name}": f"schemas/feeds/{name}"
        for name in (
            "listings-feed-schema-v2.json",
            "listings-feed-schema-v2.example.json",
            "listings-feed-message-schema-v2.json",
            "listings-feed-processing-report-schema-v2.json",
            "listings-feed-processing-report-schema-v2.example.json",
        )
    },
    **{
        f"schemas/{name}": f"schemas/notifications/{name}"
        for name in (
            "FeedProcessingFinishedNotification.json",
            "OrderChangeNotification.json",
        )
    },
}

# Written last by lay_out(), so a fetch cut short is never mistaken for the models.
COMPLETE_MARK = ".complete"

_REPO_ROOT = Path(__file__).resolve().parent.parent
# A shared folder next to the checkout (or inside it) holds Amazon's files plus the
# synthetic samples/, which are not Amazon's and cannot be fetched.
SHARED_DIRS: tuple[Path, ...] = (
    _REPO_ROOT.parent / "shared" / "amazon-spapi",
    _REPO_ROOT / "shared" / "amazon-spapi",
)

LS_REMOTE_TIMEOUT = 20
FETCH_TIMEOUT = 600


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV_VAR) or "~/.cache/amazon-spapi").expanduser()


def cached_dir(commit: str | None = None) -> Path:
    """Where ``make spapi-models`` lays out the files of ``commit`` (default COMMIT)."""
    return cache_root() / (commit or COMMIT)


def spec_dir() -> Path | None:
    """Return the folder holding ``models/`` and ``schemas/``, or None if absent.

    An explicit ``AMAZON_SPAPI_SPEC_DIR`` that is not a folder means "absent", with
    no fallback, so a run can be made to behave like a checkout without the models.
    """
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        path = Path(explicit).expanduser()
        return path if path.is_dir() else None
    for candidate in SHARED_DIRS:
        if candidate.is_dir():
            return candidate
    cached = cached_dir()
    if (cached / COMPLETE_MARK).is_file():
        return cached
    return None


def samples_dir() -> Path | None:
    """The synthetic ``samples/`` next to the models, found only in a shared folder."""
    base = spec_dir()
    if base is not None and (base / "samples").is_dir():
        return base / "samples"
    return None


def where_looked() -> str:
    """One phrase naming the places spec_dir() tries, for "absent" messages."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return f"{ENV_VAR}={explicit} is not a folder"
    places = [str(path) for path in SHARED_DIRS[:1]] + [str(cached_dir())]
    return f"no {ENV_VAR} and nothing at {' or '.join(places)}"


@cache
def load_json(relative: str) -> Any:
    """Load ``models/...`` or ``schemas/...`` from the spec folder.

    Raises FileNotFoundError when the folder or the file is missing, so callers
    that can live without the spec catch it and skip validation.
    """
    base = spec_dir()
    if base is None:
        raise FileNotFoundError(
            f"Amazon SP-API spec folder not found ({where_looked()}); run "
            f"`make spapi-models` or set {ENV_VAR} to enable validation"
        )
    with open(base / relative, encoding="utf-8") as fh:
        return json.load(fh)


# -- fetching Amazon's models ----------------------------------------------------


def lay_out(
    repo: Path, target: Path, *, repository: str = "", commit: str = ""
) -> Path:
    """Copy the files the code reads from a checkout of Amazon's repository.

    ``target`` gets the flat ``models/`` and ``schemas/`` of FILES. Copies rather than
    links, so the checkout can be removed; the mark goes last, so an interrupted
    layout is redone rather than used.
    """
    missing = [path for path in FILES.values() if not (repo / path).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{repo} lacks {', '.join(missing)}: not a checkout of Amazon's "
            "selling-partner-api-models at a commit with these models"
        )
    (target / COMPLETE_MARK).unlink(missing_ok=True)
    for flat, path in FILES.items():
        (target / flat).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo / path, target / flat)
    (target / COMPLETE_MARK).write_text(
        json.dumps(
            {"repository": repository, "commit": commit, "files": FILES}, indent=2
        ),
        encoding="utf-8",
    )
    return target


def _git(*args: str, timeout: float, cwd: Path | None = None) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=timeout,
        # Never stop at a credentials prompt: a repository that asks is unreachable.
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        # git's last line of stderr is the reason ("fatal: ..."), the rest progress.
        lines = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"git exited with {exc.returncode}"
    return str(exc)


class FetchError(Exception):
    """Amazon's repository or git could not be used; the message says which."""


def fetch(
    commit: str | None = None,
    *,
    repository: str | None = None,
    cache: Path | None = None,
    timeout: float = LS_REMOTE_TIMEOUT,
    log: Callable[[str], None] = print,
) -> Path:
    """Fetch Amazon's repository at ``commit`` and lay out the files the code reads.

    Returns the laid-out folder, ``<cache>/<commit>`` (the checkout stays in its
    ``repo/``); raises FetchError when git or the repository cannot be reached or
    lacks the commit. ``AMAZON_SPAPI_GIT`` names another repository (a mirror).
    """
    commit = commit or COMMIT
    repository = repository or os.environ.get(GIT_ENV_VAR) or REPOSITORY
    target = (cache or cache_root()) / commit
    if (target / COMPLETE_MARK).is_file():
        return target
    if shutil.which("git") is None:
        raise FetchError(f"git is not installed, so {repository} cannot be fetched")
    try:
        # Asked first, with a short timeout, as for Saleor's tree: an offline
        # machine learns it in seconds instead of waiting on a fetch.
        _git("ls-remote", "--exit-code", repository, "HEAD", timeout=timeout)
    except (subprocess.SubprocessError, OSError) as exc:
        raise FetchError(f"{repository} is unreachable") from exc

    repo = target / "repo"
    if not repo.is_dir():
        log(f"fetching {repository} at {commit[:12]} into {target}")
        target.mkdir(parents=True, exist_ok=True)
        # Checked out beside the final place and renamed once complete, so an
        # interrupted fetch leaves nothing that looks usable.
        work = Path(tempfile.mkdtemp(prefix="repo.partial-", dir=target))
        try:
            _clone_commit(repository, commit, work)
            work.rename(repo)
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(work, ignore_errors=True)
            with suppress(OSError):
                target.rmdir()  # only when the failed fetch left it empty
            raise FetchError(
                f"fetching {commit} from {repository} failed: {_describe(exc)}"
            ) from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return lay_out(repo, target, repository=repository, commit=commit)


def _clone_commit(repository: str, commit: str, work: Path) -> None:
    """A shallow, sparse checkout of one commit: only the files FILES names.

    ``git clone`` cannot start from a commit, hence init + fetch. The blob filter
    and the sparse checkout keep the download to those files where the server
    supports them (GitHub does); elsewhere git ignores the filter and fetches the
    commit whole, which only costs time.
    """
    _git("init", "--quiet", str(work), timeout=LS_REMOTE_TIMEOUT)
    for args in (
        ("remote", "add", "origin", repository),
        ("config", "remote.origin.promisor", "true"),
        ("config", "remote.origin.partialclonefilter", "blob:none"),
        ("sparse-checkout", "set", "--no-cone", *(f"/{p}" for p in FILES.values())),
    ):
        _git(*args, cwd=work, timeout=LS_REMOTE_TIMEOUT)
    _git(
        "fetch",
        "--quiet",
        "--depth",
        "1",
        "--filter=blob:none",
        "origin",
        commit,
        cwd=work,
        timeout=FETCH_TIMEOUT,
    )
    _git("checkout", "--quiet", "FETCH_HEAD", cwd=work, timeout=FETCH_TIMEOUT)


def main(argv: list[str] | None = None) -> int:
    """``fetch``: make the models available; ``dir``: print the folder in use.

    Both exit 1 when no spec folder is available afterwards, having said why.
    """
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "fetch"
    if command not in ("fetch", "dir"):
        print("usage: python -m saleor_amazon_feeds.spapi_spec [fetch|dir]")
        return 2
    found = spec_dir()
    if command == "dir":
        if found is None:
            return 1
        print(found)
        return 0

    def log(message: str) -> None:
        print(f"[spapi-models] {message}", file=sys.stderr)

    if found is not None:
        log(f"Amazon's SP-API models: {found}")
        return 0
    if os.environ.get(ENV_VAR):
        # The folder asked for is not filled behind the user's back; it stays absent.
        log(f"{where_looked()}: not fetching (unset it to fetch into {cached_dir()})")
        return 1
    try:
        fetched = fetch(log=log)
    except (FetchError, FileNotFoundError) as exc:
        log(
            f"{exc}: Amazon's SP-API models were not fetched and the tests that need "
            f"them will be skipped (`make spapi-models` fetches them, or set {ENV_VAR})"
        )
        return 1
    log(f"Amazon's SP-API models: {fetched}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
