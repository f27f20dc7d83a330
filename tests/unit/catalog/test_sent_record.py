"""What a submission keeps of a message once it is in its document."""

from saleor_amazon_feeds.catalog.types import BuiltMessage
from saleor_amazon_feeds.listings.feed_writer import encoded
from saleor_amazon_feeds.listings.kinds import FeedKind
from saleor_amazon_feeds.listings.messages import FeedMessage, MessageKind


def test_the_sent_record_keeps_what_recording_needs_and_drops_the_payload():
    message = encoded(
        FeedMessage(
            "SKU-1",
            MessageKind.LISTING,
            {"operationType": "UPDATE", "attributes": {"item_name": [{"value": "x"}]}},
        )
    )
    built = BuiltMessage(
        product_id=7,
        variant_id=11,
        message=message,
        feed_kind=FeedKind.LISTINGS,
        digest="abc",
        summary={"quantity": 3},
    )

    record = built.sent_record()

    assert (record.product_id, record.variant_id, record.digest) == (7, 11, "abc")
    assert record.feed_kind == FeedKind.LISTINGS
    assert record.summary == {"quantity": 3}
    assert (record.message.sku, record.message.kind) == ("SKU-1", MessageKind.LISTING)
    assert record.message.payload == {}
    assert record.message.encoded is None
    # The built message itself is untouched: the writer still writes it.
    assert built.message.encoded is not None
