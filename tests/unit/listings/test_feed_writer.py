import gc
import tracemalloc
from dataclasses import replace
from decimal import Decimal

import pytest

from saleor_amazon_feeds.amazon import documents
from saleor_amazon_feeds.listings import json_encoding
from saleor_amazon_feeds.listings.feed_writer import (
    MAX_MESSAGES_PER_FEED,
    FeedDocumentWriter,
    encoded,
    iter_feed_documents,
    message_bytes,
)
from saleor_amazon_feeds.listings.messages import (
    FeedMessage,
    MessageKind,
    delete_message,
    inventory_patch,
    listing_update,
    localized,
    price_patch,
)
from saleor_amazon_feeds.spapi_spec import load_json

from .conftest import parse_feed

DE = "A1PA6795UKMFR9"


def _mixed_messages(count: int):
    for n in range(count):
        sku = f"SKU-{n}"
        match n % 4:
            case 0:
                yield listing_update(
                    sku,
                    "SAMPLE_PRODUCT",
                    {
                        "item_name": localized(
                            f"Ärmel {n} 👕", marketplace_id=DE, language_tag="de_DE"
                        )
                    },
                )
            case 1:
                yield inventory_patch(sku, "SAMPLE_PRODUCT", n, handling_time_days=2)
            case 2:
                yield price_patch(
                    sku,
                    "SAMPLE_PRODUCT",
                    Decimal("9.99"),
                    marketplace_id=DE,
                    currency="EUR",
                    compare_at_price=Decimal("12.50"),
                )
            case _:
                yield delete_message(sku)


@pytest.mark.spapi
def test_documents_split_and_validate(feed_validator, message_validator):
    docs = list(
        iter_feed_documents(
            _mixed_messages(11),
            seller_id="A1SELLER",
            issue_locale="de_DE",
            max_messages=4,
        )
    )
    assert [d.message_count for d in docs] == [4, 4, 3]
    skus = []
    for doc in docs:
        feed = parse_feed(doc.content)
        feed_validator.validate(feed)
        assert feed["header"] == {
            "sellerId": "A1SELLER",
            "version": "2.0",
            "issueLocale": "de_DE",
        }
        ids = [m["messageId"] for m in feed["messages"]]
        assert ids == list(range(1, doc.message_count + 1))
        for message in feed["messages"]:
            message_validator.validate(message)
            assert doc.correlation[message["messageId"]][0] == message["sku"]
        skus += [m["sku"] for m in feed["messages"]]
    assert skus == [f"SKU-{n}" for n in range(11)]
    assert docs[0].correlation[2] == ("SKU-1", "inventory")
    assert docs[0].correlation[4] == ("SKU-3", "delete")
    # Amounts come out as exact JSON numbers, with the currency's decimals.
    assert b'"value_with_tax":9.99' in docs[0].content
    assert b'"value_with_tax":12.50' in docs[0].content
    assert "👕".encode() in docs[0].content  # UTF-8, not \\u escapes


def test_exact_multiple_of_limit_and_empty_input():
    docs = list(iter_feed_documents(_mixed_messages(8), seller_id="S", max_messages=4))
    assert [d.message_count for d in docs] == [4, 4]
    assert list(iter_feed_documents(iter(()), seller_id="S")) == []


@pytest.mark.spapi
def test_included_data_header(feed_validator):
    (doc,) = iter_feed_documents(
        _mixed_messages(1), seller_id="S", included_data=["issues", "attributes"]
    )
    feed = parse_feed(doc.content)
    feed_validator.validate(feed)
    assert feed["header"]["report"] == {
        "includedData": ["issues", "attributes"],
        "apiVersion": "2021-08-01",
    }
    assert "issueLocale" not in feed["header"]


def test_bad_message_does_not_corrupt_document():
    import io

    buffer = io.BytesIO()
    writer = FeedDocumentWriter(buffer, seller_id="S", max_messages=2)
    writer.add(delete_message("A"))
    broken = FeedMessage(
        "B",
        MessageKind.LISTING,
        {"operationType": "UPDATE", "attributes": {"x": object()}},
    )
    with pytest.raises(TypeError):
        writer.add(broken)
    writer.add(delete_message("C"))
    with pytest.raises(OverflowError):
        writer.add(delete_message("D"))
    writer.close()
    feed = parse_feed(buffer.getvalue())
    assert [m["sku"] for m in feed["messages"]] == ["A", "C"]
    assert writer.correlation == {1: ("A", "delete"), 2: ("C", "delete")}
    with pytest.raises(ValueError):
        FeedDocumentWriter(io.BytesIO(), seller_id="S", max_messages=25_001)


@pytest.mark.spapi
@pytest.mark.spapi_samples
def test_amazon_sample_feed_validates(feed_validator):
    # Guards the validator fixture itself: Amazon's own sample must pass.
    sample = load_json("samples/sample-json-listings-feed.de.json")
    assert list(feed_validator.iter_errors(sample)) == []
    broken = {**sample, "messages": [{**sample["messages"][2], "productType": "X"}]}
    assert not feed_validator.is_valid(broken)


@pytest.mark.spapi
def test_real_limit_streams_in_bounded_memory(feed_validator):
    body = "x" * 2000
    total = MAX_MESSAGES_PER_FEED + 10

    def messages():
        for n in range(total):
            yield listing_update(
                f"S{n}", "P", {"item_name": [{"value": body, "marketplace_id": DE}]}
            )

    gc.collect()
    tracemalloc.start()
    try:
        counts, sizes = [], []
        for doc in iter_feed_documents(messages(), seller_id="S"):
            counts.append(doc.message_count)
            sizes.append(doc.size)
            if doc.message_count == 10:
                feed_validator.validate(parse_feed(doc.content))
            doc.close()
            del doc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts == [MAX_MESSAGES_PER_FEED, 10]
    # The document went to a temporary file: memory held the id map and the
    # offsets, neither the 25,000 message dicts nor the document's 50 MB.
    assert sizes[0] > 25_000 * 2000
    assert peak < sizes[0] / 5, (peak, sizes[0])


def test_messages_are_read_back_from_a_spooled_document():
    messages = list(_mixed_messages(9))
    (document,) = iter_feed_documents(messages, seller_id="A1SELLER")
    # Small documents stay in memory; the rest is the same either way.
    assert not document.file._rolled
    written = parse_feed(document.content)["messages"]
    assert [document.message(i) for i in range(1, 10)] == written
    # Amounts come back as the Decimals they were built from.
    price = document.message(3)["patches"][0]["value"][0]["our_price"]
    assert price[0]["schedule"][0]["value_with_tax"] == Decimal("9.99")
    # What the upload streams: the whole document, from the start each time.
    body, length = documents.upload_body(document.file)
    assert b"".join(body()) == b"".join(body()) == document.content
    assert document.size == length == len(document.content)
    document.close()

    big = "y" * 5000
    (spilled,) = iter_feed_documents(
        (
            listing_update(
                f"S{n}", "P", {"item_name": [{"value": big, "marketplace_id": DE}]}
            )
            for n in range(400)
        ),
        seller_id="A1SELLER",
    )
    assert spilled.file._rolled
    assert spilled.size > 2_000_000
    assert spilled.message(400)["sku"] == "S399"
    assert parse_feed(spilled.content)["messages"][0] == spilled.message(1)


def test_messages_serialised_once_are_written_as_the_others():
    messages = list(_mixed_messages(8))
    kept = [encoded(m) for m in messages]
    pairs = zip(kept, messages, strict=True)
    assert all(k.encoded == message_bytes(m) for k, m in pairs)
    assert kept == messages  # the bytes are a cache, not part of the message
    plain = list(iter_feed_documents(messages, seller_id="A1SELLER"))
    once = list(iter_feed_documents(kept, seller_id="A1SELLER"))
    assert [d.content for d in once] == [d.content for d in plain]
    document = parse_feed(once[0].content)
    assert [m["messageId"] for m in document["messages"]] == list(range(1, 9))
    for written, message in zip(document["messages"], messages, strict=False):
        assert written == parse_feed(
            json_encoding.dumps_bytes(message.as_dict(written["messageId"]))
        )


def test_kept_bytes_are_what_is_written():
    message = encoded(delete_message("SKU-1"))
    # Bytes kept by the builder are trusted: the writer does not serialise again.
    marked = replace(message, encoded=b'{"sku":"SKU-1","operationType":"DELETE"}')
    (document,) = iter_feed_documents([marked], seller_id="A1SELLER")
    assert parse_feed(document.content)["messages"] == [
        {"messageId": 1, "sku": "SKU-1", "operationType": "DELETE"}
    ]


def test_the_correlation_is_packed_and_answers_as_a_mapping():
    from saleor_amazon_feeds.listings.feed_writer import Correlation

    correlation = Correlation()
    added = [
        correlation.add(sku, kind)
        for sku, kind in (("A", "delete"), ("Bé-ü", "listing"), ("C", "delete"))
    ]

    assert added == [1, 2, 3]
    assert correlation == {
        1: ("A", "delete"),
        2: ("Bé-ü", "listing"),
        3: ("C", "delete"),
    }
    assert list(correlation.items())[1] == (2, ("Bé-ü", "listing"))
    assert correlation.get(4) is None
    assert 0 not in correlation
    assert "1" not in correlation
    with pytest.raises(KeyError):
        correlation[-1]
