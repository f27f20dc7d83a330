"""GTIN-8/12/13/14 (EAN, UPC) check digits.

Amazon rejects a listing whose identifier fails the check digit, and a wrong
EAN can attach the offer to someone else's product, so only valid codes pass.
"""

import re

_SEPARATORS = re.compile(r"[\s\-]")
LENGTHS = (8, 12, 13, 14)


def normalize_gtin(value: object) -> str | None:
    """The digits of a valid GTIN, or None; spaces and hyphens are tolerated."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    digits = _SEPARATORS.sub("", str(value))
    if not digits.isascii() or not digits.isdigit() or len(digits) not in LENGTHS:
        return None
    if set(digits) == {"0"}:
        return None
    return digits if _check_digit(digits[:-1]) == int(digits[-1]) else None


def gtin_type(code: str) -> str:
    """Amazon's identifier type for a valid code: upc (12), ean (8, 13), gtin (14)."""
    return {12: "upc", 13: "ean", 8: "ean", 14: "gtin"}[len(code)]


def _check_digit(body: str) -> int:
    # Weights 3,1,3,1... from the right, whatever the length.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10
