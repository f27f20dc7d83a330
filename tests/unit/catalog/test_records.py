"""A document's sent records kept on disk until it is sent, and a slice's
messages stored as bytes: both read back as they were built."""

from decimal import Decimal

import pytest

from saleor_amazon_feeds.catalog import records
from saleor_amazon_feeds.catalog.records import SentRecords
from saleor_amazon_feeds.catalog.types import BuiltMessage
from saleor_amazon_feeds.listings.feed_writer import SPOOL_IN_MEMORY_BYTES, encoded
from saleor_amazon_feeds.listings.kinds import FeedKind
from saleor_amazon_feeds.listings.messages import FeedMessage, MessageKind


def _built(i: int, **summary) -> BuiltMessage:
    message = encoded(
        FeedMessage(
            f"SKU-{i}-ü",
            MessageKind.PRICE,
            {"operationType": "PATCH", "patches": [{"op": "replace", "value": [i]}]},
        )
    )
    return BuiltMessage(
        product_id=i // 3,
        variant_id=None if i % 3 == 0 else i,
        message=message,
        feed_kind=FeedKind.PRICES,
        digest=f"{i:064x}",
        summary=summary,
    )


def _plain(built: BuiltMessage) -> tuple:
    return (
        built.product_id,
        built.variant_id,
        built.feed_kind,
        built.message.sku,
        built.message.kind,
        built.digest,
        built.summary,
        built.values_in_document,
    )


def test_records_read_back_as_sent_records_in_order_as_often_as_needed():
    built = [_built(i, price=Decimal(f"{i}.50")) for i in range(5)]
    built.append(
        BuiltMessage(
            9,
            10,
            encoded(FeedMessage("L", MessageKind.LISTING, {"operationType": "UPDATE"})),
            FeedKind.LISTINGS,
            "d",
            {"productType": "SHIRT", "values": {"item_name": [{"value": "x"}]}},
        )
    )
    spool = SentRecords()
    for item in built:
        spool.append(item.sent_record())

    first, second = list(spool), list(spool)

    assert len(spool) == 6
    assert first == second
    expected = [_plain(item.sent_record()) for item in built]
    # Amounts as the listing state's JSONField stores them: strings.
    expected[:5] = [
        (*row[:6], {"price": str(row[6]["price"])}, row[7]) for row in expected[:5]
    ]
    assert [_plain(record) for record in first] == expected
    assert first[5].values_in_document
    assert "values" not in first[5].summary
    assert all(record.message.encoded is None for record in first)
    spool.close()


def test_a_document_takes_its_records_and_the_spool_starts_again():
    spool = SentRecords()
    for i in range(3):
        spool.append(_built(i).sent_record())

    taken = spool.split(3)
    spool.append(_built(3).sent_record())

    assert [r.message.sku for r in taken] == ["SKU-0-ü", "SKU-1-ü", "SKU-2-ü"]
    assert [r.message.sku for r in spool] == ["SKU-3-ü"]
    spool.append(_built(4).sent_record())
    early = spool.split(1)
    assert [r.message.sku for r in early] == ["SKU-3-ü"]
    assert [r.message.sku for r in spool] == ["SKU-4-ü"]
    for each in (taken, early, spool):
        each.close()


def test_a_document_of_records_larger_than_memory_holds_goes_to_disk():
    spool = SentRecords()
    summary = {"note": "x" * 200}
    count = SPOOL_IN_MEMORY_BYTES // 200 + 10
    for i in range(count):
        spool.append(_built(i, **summary).sent_record())

    assert spool._file._rolled  # a real temporary file now
    assert sum(1 for _ in spool) == count
    last = list(spool)[-1]
    assert (last.message.sku, last.summary) == (f"SKU-{count - 1}-ü", summary)
    spool.close()


def test_a_slice_frame_keeps_the_message_bytes():
    built = [_built(i, quantity=i) for i in range(4)]

    data = b"".join(records.frame(item) for item in built)
    back = list(records.unframe(data))

    assert [_plain(item) for item in back] == [_plain(item) for item in built]
    assert [item.message.encoded for item in back] == [
        item.message.encoded for item in built
    ]


def test_a_summary_value_json_cannot_hold_is_refused():
    with pytest.raises(TypeError, match="not JSON serializable"):
        records.head(_built(1, odd=object()))
