"""A problem with what a client asked to store, named by its input field.

The checks in ``field_mapping_input`` and ``options_input`` return these
instead of raising, so every problem of one input is reported at once and
the API only has to translate them into its own error type.
"""

from dataclasses import dataclass
from enum import StrEnum


class ProblemCode(StrEnum):
    # The values are the API's error codes (``AmazonFeedsErrorCode``), so a
    # client sees the same code whichever layer found the problem.
    INVALID = "invalid"
    UNIQUE = "unique"
    UNKNOWN_MARKETPLACE = "unknown_marketplace"
    UNKNOWN_ATTRIBUTE = "unknown_attribute"
    UNKNOWN_SOURCE = "unknown_source"
    UNKNOWN_PRODUCT_TYPE = "unknown_product_type"


@dataclass(frozen=True, slots=True)
class InputProblem:
    field: str  # path in the input as the client wrote it, e.g. "mappings[1].sources"
    code: ProblemCode
    message: str
