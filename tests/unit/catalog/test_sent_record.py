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


def test_a_listings_values_stay_in_its_document_and_come_back_from_it():
    from decimal import Decimal

    from saleor_amazon_feeds.listings.feed_writer import iter_feed_documents

    attributes = {
        "item_name": [{"value": "Shirt", "language_tag": "en_US"}],
        "purchasable_offer": [{"our_price": [{"value_with_tax": Decimal("12.50")}]}],
    }
    messages = [
        encoded(FeedMessage("SKU-1", MessageKind.DELETE, {"operationType": "DELETE"})),
        encoded(
            FeedMessage(
                "SKU-2",
                MessageKind.LISTING,
                {"operationType": "UPDATE", "attributes": attributes},
            )
        ),
    ]
    built = [
        BuiltMessage(1, 1, messages[0], FeedKind.LISTINGS, "d1", {"deleted": True}),
        BuiltMessage(
            1,
            2,
            messages[1],
            FeedKind.LISTINGS,
            "d2",
            {"productType": "SHIRT", "values": attributes},
        ),
    ]
    (document,) = iter_feed_documents(messages, seller_id="A1SELLER")

    records = [b.sent_record() for b in built]

    assert records[1].summary == {"productType": "SHIRT"}
    assert records[1].values_in_document
    assert records[0].full_summary(document, 1) == {"deleted": True}
    # Read back as written, amounts digit for digit.
    assert records[1].full_summary(document, 2) == built[1].summary
    document.close()
