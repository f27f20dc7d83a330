"""Every plugin setting is read in ``conf.py`` and documented in the README's
Settings table; no other module reads one on its own."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "saleor_amazon_feeds"
SETTING = re.compile(r"^AMAZON_FEEDS_[A-Z_]+$")


def _read_in_conf() -> set[str]:
    tree = ast.parse((PACKAGE / "conf.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_get"
        and isinstance(node.args[0], ast.Constant)
    }


def _documented() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("Settings (Django settings") :]
    table = table[: table.index("\n\n", table.index("| --- |"))]
    return set(re.findall(r"^\| `(AMAZON_FEEDS_[A-Z_]+)` \|", table, re.M))


def test_every_setting_read_in_conf_is_documented_and_the_reverse():
    read = _read_in_conf()
    assert read, "conf.py reads no setting: the test is looking in the wrong place"
    assert all(SETTING.match(name) for name in read)
    assert _documented() == read


def test_no_module_but_conf_reads_a_setting():
    """A setting read as a string constant (``getattr(settings, ...)``,
    ``os.environ[...]``) anywhere else would escape the table."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "conf.py" and path.parent == PACKAGE:
            continue
        if "sandbox" in path.relative_to(PACKAGE).parts:
            continue  # stand-alone, configured by its command line
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            first = node.args[1] if name == "getattr" else node.args[0]
            if (
                name in {"getattr", "get", "getenv"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and SETTING.match(first.value)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
