"""Django choices of the pure packages' enums, which are defined there once."""

from enum import StrEnum


def choices_of(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """Values and labels (``member.label``, else the value in title case)."""
    return [
        (member.value, getattr(member, "label", member.value.title()))
        for member in enum
    ]
