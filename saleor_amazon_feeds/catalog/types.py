"""What the catalog builder hands to the submission service."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..listings.feed_writer import FeedDocument
from ..listings.kinds import FeedKind
from ..listings.messages import FeedMessage
from ..listings.schema_validation import ProductTypeSchema
from ..listings.severity import Severity

__all__ = ["Batch", "BuiltMessage", "FeedKind", "SchemaProvider", "Skipped"]


@dataclass(frozen=True, slots=True)
class BuiltMessage:
    """One feed message plus where it came from.

    ``digest`` is a stable hash of the message payload: the submission service
    compares it with the last accepted digest for (sku, marketplace, kind) and
    sends only what changed.
    """

    product_id: int
    variant_id: int | None  # None for a variation parent
    message: FeedMessage
    feed_kind: FeedKind
    digest: str
    # Values worth showing the merchant as "last sent" (e.g. quantity, price).
    summary: dict = field(default_factory=dict)
    # The summary's listing "values" were left out (``sent_record``): they
    # are the message's attributes, read back from its document.
    values_in_document: bool = False

    def sent_record(self) -> "BuiltMessage":
        """The message without its payload and bytes: what recording a sent
        message needs (sku, kind, ids, digest, summary). A listing's
        summary quotes all its attributes: those stay in the document only,
        so a document's worth of records holds no attribute values."""
        summary, in_document = self.summary, False
        if "values" in summary:
            summary = {k: v for k, v in summary.items() if k != "values"}
            in_document = True
        # Constructed, not dataclasses.replace: this runs once per message.
        return BuiltMessage(
            product_id=self.product_id,
            variant_id=self.variant_id,
            message=FeedMessage(self.message.sku, self.message.kind),
            feed_kind=self.feed_kind,
            digest=self.digest,
            summary=summary,
            values_in_document=in_document,
        )

    def full_summary(self, document: "FeedDocument", message_id: int) -> dict:
        """The summary as built, the values read back from the document
        where ``sent_record`` left them out."""
        if not self.values_in_document:
            return self.summary
        values = document.message(message_id).get("attributes", {})
        return {**self.summary, "values": values}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A product or variant left out of the feed, with the reason why."""

    product_id: int
    variant_id: int | None
    sku: str | None
    reason: str
    # See listings.severity: ERROR blocks the listing (missing price, invalid
    # attributes...), INFO is a deliberate omission (excluded from Amazon).
    severity: Severity = Severity.ERROR
    attribute: str | None = None


@dataclass
class Batch:
    messages: list[BuiltMessage] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Every product of the page, built or left out.
    product_ids: list[int] = field(default_factory=list)
    # Products with an offer the listing gate refused: that depends on what
    # Amazon has, not only on the product's rows (see ``fingerprints``).
    gate_refused: set[int] = field(default_factory=set)


# Given (amazon product type), return its schema for local validation, or None
# when it cannot be had (then validation is skipped, not failed).
SchemaProvider = Callable[[str], ProductTypeSchema | None]
