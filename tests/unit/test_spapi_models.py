"""Getting Amazon's SP-API models: the cache ``make spapi-models`` fills and reads.

Nothing here reaches GitHub. "Unreachable" is real (git against a closed local
port); fetching runs real git against a repository built in a temporary folder with
Amazon's layout, so the pinned-commit checkout and the flat layout are exercised
end to end.
"""

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from saleor_amazon_feeds import spapi_spec

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "scripts" / "bootstrap.sh"


@pytest.fixture
def fresh_clone(tmp_path, monkeypatch):
    """spec_dir() as in a fresh clone: no variable, no shared folder, an empty cache."""
    monkeypatch.delenv(spapi_spec.ENV_VAR, raising=False)
    monkeypatch.delenv(spapi_spec.GIT_ENV_VAR, raising=False)
    monkeypatch.setattr(spapi_spec, "SHARED_DIRS", (tmp_path / "no-shared-folder",))
    monkeypatch.setenv(spapi_spec.CACHE_ENV_VAR, str(tmp_path / "cache"))
    assert spapi_spec.spec_dir() is None
    spapi_spec.load_json.cache_clear()
    yield tmp_path / "cache"
    # load_json caches by relative path only: forget what this test's folder held.
    spapi_spec.load_json.cache_clear()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/amzn/selling-partner-api-models.git"


def amazon_shaped_repo(root: Path, content=lambda flat: {"flat": flat}) -> Path:
    """Files where Amazon's repository keeps them, plus one the code never reads."""
    for flat, path in spapi_spec.FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(json.dumps(content(flat)), encoding="utf-8")
    (root / "clients" / "sellingpartner-api-aa-java").mkdir(parents=True)
    (root / "clients" / "sellingpartner-api-aa-java" / "pom.xml").write_text("<x/>")
    return root


def read(folder: Path, flat: str):
    return json.loads((folder / flat).read_text(encoding="utf-8"))


# -- lay_out -----------------------------------------------------------------------


def test_lay_out_copies_amazons_paths_into_the_flat_folder(tmp_path):
    repo = amazon_shaped_repo(tmp_path / "repo")
    target = spapi_spec.lay_out(
        repo, tmp_path / "out", repository="https://example/amzn", commit="abc"
    )
    assert target == tmp_path / "out"
    for flat in spapi_spec.FILES:
        assert read(target, flat) == {"flat": flat}
    assert sorted(p.name for p in target.iterdir()) == [
        spapi_spec.COMPLETE_MARK,
        "models",
        "schemas",
    ]
    mark = read(target, spapi_spec.COMPLETE_MARK)
    assert (mark["repository"], mark["commit"]) == ("https://example/amzn", "abc")


def test_lay_out_refuses_a_checkout_without_the_models(tmp_path):
    repo = amazon_shaped_repo(tmp_path / "repo")
    (repo / "models" / "sellers-api-model" / "sellers.json").unlink()
    with pytest.raises(FileNotFoundError, match="sellers-api-model/sellers.json"):
        spapi_spec.lay_out(repo, tmp_path / "out")
    assert not (tmp_path / "out" / spapi_spec.COMPLETE_MARK).exists()


def test_cache_counts_only_once_laid_out(fresh_clone, tmp_path, monkeypatch):
    target = spapi_spec.cached_dir()
    assert target == fresh_clone / spapi_spec.COMMIT
    repo = amazon_shaped_repo(target / "repo")
    (target / "models").mkdir()  # a layout cut short
    assert spapi_spec.spec_dir() is None

    spapi_spec.lay_out(repo, target)
    assert spapi_spec.spec_dir() == target
    assert spapi_spec.load_json("models/sellers.json") == {
        "flat": "models/sellers.json"
    }
    # The synthetic samples never come from Amazon's repository.
    assert spapi_spec.samples_dir() is None

    # A shared folder next to the checkout comes first ...
    shared = tmp_path / "shared"
    (shared / "samples").mkdir(parents=True)
    monkeypatch.setattr(spapi_spec, "SHARED_DIRS", (shared,))
    assert spapi_spec.spec_dir() == shared
    assert spapi_spec.samples_dir() == shared / "samples"
    # ... and AMAZON_SPAPI_SPEC_DIR before both, even naming nothing: then the
    # models count as absent, as in a clone without them.
    monkeypatch.setenv(spapi_spec.ENV_VAR, str(tmp_path / "missing"))
    assert spapi_spec.spec_dir() is None
    assert "AMAZON_SPAPI_SPEC_DIR=" in spapi_spec.where_looked()


@pytest.fixture
def forget_loaded_files():
    # load_json caches by relative path only: make reads hit the folder in use.
    spapi_spec.load_json.cache_clear()
    yield
    spapi_spec.load_json.cache_clear()


@pytest.mark.spapi
def test_lay_out_of_amazons_own_files_is_what_the_code_reads(
    tmp_path, monkeypatch, forget_loaded_files
):
    from jsonschema import Draft7Validator

    source = spapi_spec.spec_dir()
    repo = tmp_path / "selling-partner-api-models"
    for flat, path in spapi_spec.FILES.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / flat, repo / path)

    target = spapi_spec.lay_out(repo, tmp_path / "cache" / spapi_spec.COMMIT)
    for flat in spapi_spec.FILES:
        assert (target / flat).read_bytes() == (source / flat).read_bytes()
    monkeypatch.setenv(spapi_spec.ENV_VAR, str(target))
    assert spapi_spec.spec_dir() == target
    # Amazon's example feed validates against Amazon's feed schema, both read from
    # the laid-out folder as the sandbox and the tests read them.
    feed_schema = spapi_spec.load_json("schemas/listings-feed-schema-v2.json")
    example = spapi_spec.load_json("schemas/listings-feed-schema-v2.example.json")
    Draft7Validator(feed_schema).validate(example)
    assert "paths" in spapi_spec.load_json("models/orders_2026-01-01.json")


# -- fetch -------------------------------------------------------------------------


def test_unreachable_repository_fetches_nothing(fresh_clone):
    with pytest.raises(spapi_spec.FetchError, match="is unreachable"):
        spapi_spec.fetch(repository=closed_port_url())
    assert not fresh_clone.exists()


def test_make_spapi_models_offline_says_so_in_one_line(
    fresh_clone, monkeypatch, capsys
):
    monkeypatch.setenv(spapi_spec.GIT_ENV_VAR, closed_port_url())
    assert spapi_spec.main(["fetch"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert "is unreachable" in lines[0]
    assert "`make spapi-models`" in lines[0]
    assert spapi_spec.main(["dir"]) == 1
    assert not fresh_clone.exists()


def test_a_folder_named_explicitly_is_never_filled(fresh_clone, tmp_path, monkeypatch):
    monkeypatch.setenv(spapi_spec.ENV_VAR, str(tmp_path / "asked-for"))
    monkeypatch.setenv(spapi_spec.GIT_ENV_VAR, closed_port_url())
    assert spapi_spec.main(["fetch"]) == 1
    assert not (tmp_path / "asked-for").exists()
    assert not fresh_clone.exists()


@pytest.fixture
def amazon_git_repo(tmp_path, monkeypatch):
    """A git repository laid out like Amazon's; the pinned commit is not its tip."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for name, value in {
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }.items():
        monkeypatch.setenv(name, value)
    repo = amazon_shaped_repo(tmp_path / "amzn")

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    git("init", "--quiet")
    git("add", "--all")
    git("commit", "--quiet", "--message", "pinned")
    pinned = git("rev-parse", "HEAD")
    sellers = repo / spapi_spec.FILES["models/sellers.json"]
    sellers.write_text(json.dumps({"changed": "after the pinned commit"}))
    git("commit", "--quiet", "--all", "--message", "later")
    return f"file://{repo}", pinned


def test_fetch_lays_out_the_pinned_commit(fresh_clone, amazon_git_repo):
    url, pinned = amazon_git_repo
    target = spapi_spec.fetch(pinned, repository=url, log=lambda message: None)
    assert target == fresh_clone / pinned
    for flat in spapi_spec.FILES:
        assert read(target, flat) == {"flat": flat}
    # Only the files the code reads are checked out, and no partial checkout is left.
    assert not (target / "repo" / "clients").exists()
    assert sorted(p.name for p in target.iterdir()) == [
        spapi_spec.COMPLETE_MARK,
        "models",
        "repo",
        "schemas",
    ]
    # Once laid out, the cache answers without asking the repository.
    assert spapi_spec.fetch(pinned, repository=closed_port_url()) == target


def test_fetch_of_a_commit_the_repository_lacks_leaves_nothing(
    fresh_clone, amazon_git_repo
):
    url, _ = amazon_git_repo
    missing = "0" * 40
    with pytest.raises(spapi_spec.FetchError, match=f"fetching {missing} from"):
        spapi_spec.fetch(missing, repository=url, log=lambda message: None)
    assert list(fresh_clone.iterdir()) == []


def test_make_spapi_models_then_tests_find_the_cache(
    fresh_clone, amazon_git_repo, monkeypatch, capsys
):
    url, pinned = amazon_git_repo
    monkeypatch.setattr(spapi_spec, "COMMIT", pinned)
    monkeypatch.setenv(spapi_spec.GIT_ENV_VAR, url)
    assert spapi_spec.main(["fetch"]) == 0
    assert spapi_spec.spec_dir() == fresh_clone / pinned
    capsys.readouterr()
    assert spapi_spec.main(["dir"]) == 0
    assert capsys.readouterr().out.strip() == str(fresh_clone / pinned)


# -- the bootstrap step ------------------------------------------------------------


def test_bootstrap_steps_follow_the_variable(tmp_path):
    def step(name, spec_dir):
        return subprocess.run(
            [str(BOOTSTRAP), name],
            env={
                **os.environ,
                spapi_spec.ENV_VAR: str(spec_dir),
                spapi_spec.CACHE_ENV_VAR: str(tmp_path / "cache"),
            },
            capture_output=True,
            text=True,
            timeout=60,
        )

    (tmp_path / "models").mkdir()
    found = step("spapi-dir", tmp_path)
    assert (found.returncode, found.stdout.strip()) == (0, str(tmp_path))
    assert step("spapi-models", tmp_path).returncode == 0

    missing = tmp_path / "missing"
    assert step("spapi-dir", missing).returncode == 1
    offline = step("spapi-models", missing)
    assert offline.returncode == 1
    assert "not fetching" in offline.stderr
    assert not missing.exists()
    assert not (tmp_path / "cache").exists()
