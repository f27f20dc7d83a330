"""Each package of the plugin opens with a docstring saying what it owns."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "saleor_amazon_feeds"


def test_every_package_says_what_it_owns():
    packages = [
        init
        for init in PACKAGE.rglob("__init__.py")
        if "static" not in init.relative_to(PACKAGE).parts
    ]
    assert len(packages) > 10
    silent = [
        str(init.parent.relative_to(PACKAGE.parent))
        for init in packages
        if len((ast.get_docstring(ast.parse(init.read_text())) or "").split()) < 5
    ]
    assert silent == []
