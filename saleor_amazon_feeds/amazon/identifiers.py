"""The shapes of Amazon's identifiers and credentials: one rule per value.

Every writer (the GraphQL mutations) and every reader (options stored in Saleor
metadata by any client) checks a value with the same function here, so what one
accepts the other can read back. Each returns None for a valid value or a
sentence for the merchant; none repeats the value, which may be a secret.

Patterns are matched whole (``fullmatch``): ``re.match`` with ``$`` accepts a
trailing newline.
"""

import re
import unicodedata

SELLER_ID = re.compile(r"[A-Z0-9]{6,32}")
MARKETPLACE_ID = re.compile(r"[A-Z0-9]{8,20}")
PRODUCT_TYPE = re.compile(r"[A-Z0-9_]{1,100}")
ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")
# LWA client ids ("amzn1.application-oa2-client.…"), client secrets
# ("amzn1.oa2-cs.v1.…") and refresh tokens ("Atzr|…") are printable ASCII
# without spaces; anything else (a pasted newline, a control character, a
# non-breaking space) would only fail later at Amazon with a vaguer message.
_CREDENTIAL = re.compile(r"[\x21-\x7e]+")
CREDENTIAL_MAX_LENGTH = 2048


def seller_id_problem(value: str) -> str | None:
    if SELLER_ID.fullmatch(value):
        return None
    return (
        "The seller ID is Amazon's merchant token: 6-32 uppercase letters and digits."
    )


def marketplace_id_problem(value: str) -> str | None:
    if MARKETPLACE_ID.fullmatch(value):
        return None
    return "Not an Amazon marketplace ID (8-20 uppercase letters and digits)."


def normalize_product_type(value: str) -> str:
    """Amazon spells product types in uppercase; merchants type them any way.

    Only ASCII is upper-cased: ``"ß".upper()`` is ``"SS"``, which would turn
    an invalid name into a valid, different one.
    """
    value = value.strip()
    return value.upper() if value.isascii() else value


def product_type_problem(value: str) -> str | None:
    """For a normalised name (see ``normalize_product_type``)."""
    if PRODUCT_TYPE.fullmatch(value):
        return None
    return (
        "Not an Amazon product type name: 1-100 letters A-Z, digits and "
        "underscores (e.g. SHIRT)."
    )


def attribute_name_problem(value: str) -> str | None:
    if ATTRIBUTE_NAME.fullmatch(value):
        return None
    return "Not an Amazon attribute name: lowercase letters, digits and underscores."


def credential_problem(
    value: str, label: str, max_length: int = CREDENTIAL_MAX_LENGTH
) -> str | None:
    """A credential as Amazon issues it; the message never repeats it."""
    if not value:
        return f"The {label} is required."
    if len(value) > max_length:
        return f"The {label} is longer than {max_length} characters."
    if not _CREDENTIAL.fullmatch(value):
        return (
            f"The {label} may only contain printable ASCII characters, without "
            "spaces or line breaks."
        )
    return None


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def label_problem(value: str, label: str, max_length: int) -> str | None:
    """A name people give something: 1 to ``max_length`` characters of text,
    after trimming, without control characters."""
    value = value.strip()
    if not value:
        return f"Give the {label}."
    if len(value) > max_length:
        return f"The {label} is longer than {max_length} characters."
    if has_control_characters(value):
        return f"The {label} cannot contain control characters."
    return None
