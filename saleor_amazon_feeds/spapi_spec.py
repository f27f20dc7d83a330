"""Locate Amazon's published SP-API models and JSON schemas.

The files are Amazon's (Apache-2.0) and are read in place, never copied into the
package: the sandbox validates requests against them and the tests validate
responses. Nothing here needs Django.
"""

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

ENV_VAR = "AMAZON_SPAPI_SPEC_DIR"


def spec_dir() -> Path | None:
    """Return the folder holding ``models/`` and ``schemas/``, or None if absent."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        path = Path(explicit).expanduser()
        return path if path.is_dir() else None
    repo_root = Path(__file__).resolve().parent.parent
    for candidate in (
        repo_root.parent / "shared" / "amazon-spapi",
        repo_root / "shared" / "amazon-spapi",
    ):
        if candidate.is_dir():
            return candidate
    return None


@cache
def load_json(relative: str) -> Any:
    """Load ``models/...`` or ``schemas/...`` from the spec folder.

    Raises FileNotFoundError when the folder or the file is missing, so callers
    that can live without the spec catch it and skip validation.
    """
    base = spec_dir()
    if base is None:
        raise FileNotFoundError(
            f"Amazon SP-API spec folder not found; set {ENV_VAR} to enable validation"
        )
    with open(base / relative, encoding="utf-8") as fh:
        return json.load(fh)
