import copy
import gzip
import json

import pytest

from saleor_amazon_feeds.listings.report import ReportError, parse_processing_report
from saleor_amazon_feeds.spapi_spec import load_json

EXAMPLE = "schemas/listings-feed-processing-report-schema-v2.example.json"


@pytest.fixture
def example() -> dict:
    return copy.deepcopy(load_json(EXAMPLE))


@pytest.mark.spapi
def test_amazon_example_report(example):
    correlation = {4: ("My-SKU-B", "listing"), 5: ("My-SKU-C", "price")}
    report = parse_processing_report(
        json.dumps(example).encode(), correlation=correlation
    )
    assert report.feed_id == "1234567890"
    assert report.seller_id == "AXXXXXXXXXXXX"
    s = report.summary
    assert (s.messages_processed, s.messages_accepted, s.messages_invalid) == (4, 2, 2)
    assert (s.errors, s.warnings) == (3, 0)
    assert len(report.issues) == 3
    first = report.issues[0]
    assert (first.message_id, first.sku, first.kind, first.code, first.severity) == (
        4,
        "My-SKU-B",
        "listing",
        "90220",
        "ERROR",
    )
    assert "batteries_required" in first.message
    assert report.issues_for(5)[0].attribute_names == ("purchasable_offer.our_price",)
    assert report.failed_message_ids() == {4, 5}
    assert report.feed_level_issues == ()
    item = report.item_issues["My-SKU-B"]
    assert item[0].attribute_names == (
        "item_diameter",
        "item_dimensions",
        "item_weight",
        "theme",
    )
    assert item[1].severity == "WARNING"
    assert report.item_issues["My-SKU-C"] == ()


@pytest.mark.spapi
def test_example_validates_against_amazon_schema(example):
    from jsonschema import Draft7Validator

    schema = load_json("schemas/listings-feed-processing-report-schema-v2.json")
    Draft7Validator(schema).validate(example)
    assert parse_processing_report(example).summary.messages_processed == 4


@pytest.mark.spapi
def test_sku_from_mapping_wins_and_report_sku_is_fallback(example):
    report = parse_processing_report(example, correlation={4: ("OUR-SKU", "child")})
    assert report.issues[0].sku == "OUR-SKU"
    assert report.issues[2].sku == "My-SKU-C"  # messageId 5 not in the mapping
    assert report.issues[2].kind is None


@pytest.mark.spapi
def test_gzip_and_bom(example):
    raw = json.dumps(example).encode("utf-8-sig")
    assert parse_processing_report(gzip.compress(raw)).feed_id == "1234567890"
    with pytest.raises(ReportError, match="compressed report is damaged"):
        parse_processing_report(gzip.compress(raw)[:-20])


def test_feed_level_issue_without_message_id():
    report = parse_processing_report(
        {
            "header": {"sellerId": "S", "version": "2.0", "feedId": "9"},
            "issues": [{"severity": "ERROR", "message": "Feed is not valid JSON"}],
            "summary": {
                "errors": 1,
                "warnings": 0,
                "messagesProcessed": 0,
                "messagesAccepted": 0,
                "messagesInvalid": 0,
            },
        }
    )
    assert report.feed_level_issues[0].message == "Feed is not valid JSON"
    assert report.feed_level_issues[0].sku is None
    assert report.failed_message_ids() == frozenset()


@pytest.mark.spapi
@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda d: d.pop("summary"), "summary is missing"),
        (lambda d: d["summary"].update(messagesAccepted="2"), "messagesAccepted"),
        (lambda d: d["summary"].update(errors=-1), "summary.errors"),
        (lambda d: d["header"].pop("feedId"), "header.feedId is missing"),
        (lambda d: d.update(issues={}), "issues is missing or not a list"),
        (lambda d: d["issues"].append("oops"), r"issues\[3\] is not an object"),
        (lambda d: d["issues"][1].update(messageId="4"), r"issues\[1\].messageId"),
        (lambda d: d["issues"][0].pop("severity"), r"issues\[0\].severity is missing"),
        (lambda d: d["issues"][0].update(severity="FATAL"), "ERROR/WARNING/INFO"),
        (lambda d: d["issues"][2].update(attributeName=5), "attributeName"),
        (lambda d: d["items"][0].update(issues=None), r"items\[0\].issues"),
        (lambda d: d["items"][1].pop("sku"), r"items\[1\].sku is missing"),
        (lambda d: d.update(items="x"), "items is not a list"),
    ],
)
def test_broken_reports_raise_report_error(example, mutate, match):
    mutate(example)
    with pytest.raises(ReportError, match=match):
        parse_processing_report(json.dumps(example))


@pytest.mark.spapi
def test_truncated_and_garbage_input(example):
    text = json.dumps(example)
    with pytest.raises(ReportError, match="truncated"):
        parse_processing_report(text[: len(text) // 2])
    with pytest.raises(ReportError, match="empty"):
        parse_processing_report(b"  ")
    with pytest.raises(ReportError, match="UTF-8"):
        parse_processing_report(b"\xff\xfe{")
    with pytest.raises(ReportError, match="not a JSON object"):
        parse_processing_report("[1, 2]")
    with pytest.raises(ReportError, match="nested too deeply"):
        parse_processing_report("[" * 100_000)
