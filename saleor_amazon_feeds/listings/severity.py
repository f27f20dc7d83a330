"""How serious an issue is, in Amazon's words (processing reports, listing
validation), used as well for what the plugin itself finds while building."""

from enum import StrEnum


class Severity(StrEnum):
    # Amazon: the message was not processed. Builder: nothing was built.
    ERROR = "ERROR"
    # Processed (built) as it was; the merchant should still look (text trimmed
    # to Amazon's limits, an ignored part of the options, an unusable source).
    WARNING = "WARNING"
    # Nothing wrong: a deliberate omission (excluded from Amazon, not sent again).
    INFO = "INFO"

    @property
    def label(self) -> str:
        return self.value.title()

    @classmethod
    def of(cls, value: object) -> "Severity":
        """Amazon's (or a stored) severity in any case; unknown counts as ERROR."""
        try:
            return cls(str(value).upper())
        except ValueError:
            return cls.ERROR
