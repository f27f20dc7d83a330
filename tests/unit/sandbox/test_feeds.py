import json

import httpx
import pytest

from saleor_amazon_feeds.spapi_spec import load_json
from tests.fixtures.sandbox import DE, US
from tests.unit.sandbox.schemas import assert_report, assert_response

FEEDS = "feeds_2021-06-30"


def _feed(messages, seller_id="A3SANDBOXSELLR"):
    return {"header": {"sellerId": seller_id, "version": "2.0"}, "messages": messages}


def _luggage_update(message_id, sku, marketplace=DE, **extra):
    attrs = {
        "item_name": [
            {
                "value": f"Koffer {sku}",
                "language_tag": "de_DE",
                "marketplace_id": marketplace,
            }
        ],
        "fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": 4}
        ],
    }
    attrs.update(extra)
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "UPDATE",
        "productType": "LUGGAGE",
        "requirements": "LISTING",
        "attributes": attrs,
    }


def test_feed_round_trip(sandbox):
    doc = sandbox.sp(
        "POST", "/feeds/2021-06-30/documents", json={"contentType": "application/json"}
    )
    doc_body = assert_response(FEEDS, "createFeedDocument", doc, 201)
    assert doc_body["url"].startswith(sandbox.base_url)
    upload = httpx.put(
        doc_body["url"],
        content=json.dumps(_feed([_luggage_update(1, "BAG-1")])).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert upload.status_code == 200
    created = sandbox.sp(
        "POST",
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [DE],
            "inputFeedDocumentId": doc_body["feedDocumentId"],
        },
    )
    feed_id = assert_response(FEEDS, "createFeed", created, 202)["feedId"]
    first = assert_response(
        FEEDS, "getFeed", sandbox.sp("GET", f"/feeds/2021-06-30/feeds/{feed_id}")
    )
    assert first["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS")
    feed = sandbox.wait_feed(feed_id)
    assert feed["processingStatus"] == "DONE"
    assert feed["processingStartTime"]
    assert feed["processingEndTime"]
    result = sandbox.sp(
        "GET", f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    )
    assert_response(FEEDS, "getFeedDocument", result)
    report = assert_report(httpx.get(result.json()["url"]).content)
    assert report["header"]["feedId"] == feed_id
    assert report["summary"]["messagesAccepted"] == 1
    assert report["issues"] == []
    item = sandbox.sp(
        "GET",
        f"/listings/2021-08-01/items/{sandbox.seller_id}/BAG-1",
        params={"marketplaceIds": DE, "includedData": "summaries,attributes"},
    ).json()
    assert item["attributes"]["item_name"][0]["value"] == "Koffer BAG-1"


@pytest.mark.spapi
def test_amazon_example_feed_is_accepted(sandbox):
    example = load_json("schemas/listings-feed-schema-v2.example.json")
    feed = sandbox.wait_feed(sandbox.submit_feed(example, [US]))
    assert feed["processingStatus"] == "DONE"
    report = assert_report(sandbox.report(feed))
    assert report["summary"]["messagesProcessed"] == 5
    assert report["summary"]["messagesAccepted"] == 5, report["issues"]
    assert report["summary"]["itemSummary"]["items"] == len(report["items"])
    skus = {listing["sku"] for listing in sandbox.listings(US)}
    assert skus == {"My-SKU-B", "My-SKU-C", "My-SKU-D", "My-SKU-E"}


@pytest.mark.spapi
@pytest.mark.spapi_samples
def test_sample_de_feed_is_accepted(sandbox):
    content = load_json("samples/sample-json-listings-feed.de.json")
    feed = sandbox.wait_feed(sandbox.submit_feed(content, [DE]))
    report = assert_report(sandbox.report(feed))
    assert report["summary"]["messagesAccepted"] == 3
    listings = {entry["sku"]: entry for entry in sandbox.listings(DE)}
    assert listings["TSHIRT-BLUE-M"]["status"] == ["BUYABLE", "DISCOVERABLE"]
    # A PATCH for an unknown SKU is accepted but leaves an incomplete listing.
    assert listings["TSHIRT-RED-L"]["status"] == []
    assert any(i["code"] == "90220" for i in listings["TSHIRT-RED-L"]["issues"])


@pytest.mark.spapi
def test_schema_violation_names_message_and_attribute(sandbox):
    bad = _luggage_update(2, "BAG-BAD")
    bad["attributes"] = {}  # minProperties: 1
    wrong_type = _luggage_update(3, "BAG-WRONG")
    wrong_type["attributes"]["fulfillment_availability"] = [
        {"fulfillment_channel_code": "DEFAULT", "quantity": "many"}
    ]
    unknown_op = {"messageId": 4, "sku": "BAG-X", "operationType": "UPSERT"}
    feed = sandbox.wait_feed(
        sandbox.submit_feed(
            _feed([_luggage_update(1, "BAG-OK"), bad, wrong_type, unknown_op])
        )
    )
    report = assert_report(sandbox.report(feed))
    by_message = {}
    for issue in report["issues"]:
        by_message.setdefault(issue["messageId"], []).append(issue)
    assert set(by_message) == {2, 3, 4}
    assert by_message[2][0]["code"] == "4002008"
    assert by_message[2][0]["sku"] == "BAG-BAD"
    assert by_message[3][0]["attributeName"] == "fulfillment_availability"
    assert report["summary"]["messagesAccepted"] == 1
    assert report["summary"]["messagesInvalid"] == 3
    assert [entry["sku"] for entry in sandbox.listings(DE)] == ["BAG-OK"]


def test_missing_required_attributes_by_requirements(sandbox):
    shirt_offer = {
        "messageId": 1,
        "sku": "SHIRT-OFFER",
        "operationType": "UPDATE",
        "productType": "SHIRT",
        "requirements": "LISTING_OFFER_ONLY",
        "attributes": {
            "condition_type": [{"value": "new_new", "marketplace_id": DE}],
            "purchasable_offer": [
                {
                    "currency": "EUR",
                    "marketplace_id": DE,
                    "our_price": [{"schedule": [{"value_with_tax": 19.9}]}],
                }
            ],
            "fulfillment_availability": [
                {"fulfillment_channel_code": "DEFAULT", "quantity": 3}
            ],
        },
    }
    shirt_full = dict(
        shirt_offer, messageId=2, sku="SHIRT-FULL", requirements="LISTING"
    )
    feed = sandbox.wait_feed(sandbox.submit_feed(_feed([shirt_offer, shirt_full])))
    report = assert_report(sandbox.report(feed))
    missing = {i["attributeName"] for i in report["issues"] if i["code"] == "90220"}
    assert {i["messageId"] for i in report["issues"]} == {2}
    assert {"item_name", "brand", "department"} <= missing
    assert report["summary"]["messagesAccepted"] == 1


def test_partial_update_patch_and_delete(sandbox):
    sandbox.wait_feed(
        sandbox.submit_feed(
            _feed([_luggage_update(1, "BAG-1"), _luggage_update(2, "BAG-2")])
        )
    )
    messages = [
        {
            "messageId": 1,
            "sku": "BAG-1",
            "operationType": "PARTIAL_UPDATE",
            "productType": "LUGGAGE",
            "attributes": {
                "color": [
                    {"value": "Rot", "language_tag": "de_DE", "marketplace_id": DE}
                ]
            },
        },
        {
            "messageId": 2,
            "sku": "BAG-1",
            "operationType": "PATCH",
            "productType": "LUGGAGE",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 9}],
                },
                {"op": "delete", "path": "/attributes/item_name"},
            ],
        },
        {"messageId": 3, "sku": "BAG-2", "operationType": "DELETE"},
        {"messageId": 4, "sku": "NEVER-EXISTED", "operationType": "DELETE"},
    ]
    feed = sandbox.wait_feed(sandbox.submit_feed(_feed(messages)))
    report = assert_report(sandbox.report(feed))
    assert report["summary"]["messagesAccepted"] == 4
    listings = {entry["sku"]: entry for entry in sandbox.listings(DE)}
    assert set(listings) == {"BAG-1"}
    attrs = listings["BAG-1"]["attributes"]
    assert attrs["color"][0]["value"] == "Rot"
    assert attrs["fulfillment_availability"][0]["quantity"] == 9
    assert "item_name" not in attrs


def test_unparseable_feed_is_fatal(sandbox):
    feed = sandbox.wait_feed(
        sandbox.submit_feed(b'{"header": {"sellerId": "X", "version": ')
    )
    assert feed["processingStatus"] == "FATAL"
    report = assert_report(sandbox.report(feed))
    assert report["issues"][0]["code"] == "4002001"
    assert "cannot be parsed" in report["issues"][0]["message"]


def test_invalid_header_is_fatal(sandbox):
    feed = sandbox.wait_feed(
        sandbox.submit_feed(
            {"header": {"sellerId": "X", "version": "1.0"}, "messages": []}
        )
    )
    assert feed["processingStatus"] == "FATAL"
    report = assert_report(sandbox.report(feed))
    assert (
        "version" in report["issues"][0]["message"]
        or "messages" in report["issues"][0]["message"]
    )
    assert sandbox.listings() == []


def test_large_report_is_gzipped(sandbox):
    messages = [
        {
            "messageId": n,
            "sku": f"S-{n}",
            "operationType": "UPDATE",
            "productType": "SHIRT",
            "attributes": {"color": [{"value": "x", "language_tag": "de_DE"}]},
        }
        for n in range(1, 301)
    ]
    feed = sandbox.wait_feed(sandbox.submit_feed(_feed(messages)))
    doc = sandbox.sp(
        "GET", f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    ).json()
    assert doc["compressionAlgorithm"] == "GZIP"
    report = assert_report(sandbox.report(feed))
    assert report["summary"]["messagesInvalid"] == 300


def test_get_feeds_filters_and_pagination(sandbox):
    ids = [sandbox.submit_feed(_feed([_luggage_update(1, f"B-{n}")])) for n in range(3)]
    for feed_id in ids:
        sandbox.wait_feed(feed_id)
    sandbox.submit_feed(_feed([_luggage_update(1, "B-US", US)]), [US])
    page = sandbox.sp(
        "GET",
        "/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED", "marketplaceIds": DE, "pageSize": 2},
    )
    body = assert_response(FEEDS, "getFeeds", page)
    assert [f["feedId"] for f in body["feeds"]] == [ids[2], ids[1]]
    rest = sandbox.sp(
        "GET", "/feeds/2021-06-30/feeds", params={"nextToken": body["nextToken"]}
    )
    assert [f["feedId"] for f in rest.json()["feeds"]] == [ids[0]]
    assert "nextToken" not in rest.json()
    done = sandbox.sp(
        "GET",
        "/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED", "processingStatuses": "DONE"},
    ).json()
    assert {f["feedId"] for f in done["feeds"]} >= set(ids)
    assert sandbox.sp("GET", "/feeds/2021-06-30/feeds").status_code == 400
    mixed = sandbox.sp(
        "GET",
        "/feeds/2021-06-30/feeds",
        params={"nextToken": body["nextToken"], "pageSize": 1},
    )
    assert mixed.status_code == 400


def test_cancel_feed(sandbox):
    sandbox.set_faults(stuck_feeds=True)
    first = sandbox.submit_feed(_feed([_luggage_update(1, "B-1")]))
    second = sandbox.submit_feed(_feed([_luggage_update(1, "B-2")]))
    # The first feed holds the seller's processing slot; the second stays queued.
    cancelled = sandbox.sp("DELETE", f"/feeds/2021-06-30/feeds/{second}")
    assert_response(FEEDS, "cancelFeed", cancelled)
    assert (
        sandbox.sp("GET", f"/feeds/2021-06-30/feeds/{second}").json()[
            "processingStatus"
        ]
        == "CANCELLED"
    )
    import time

    time.sleep(0.05)
    refused = sandbox.sp("DELETE", f"/feeds/2021-06-30/feeds/{first}")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "InvalidInput"


def test_create_feed_validation(sandbox):
    missing = sandbox.sp(
        "POST", "/feeds/2021-06-30/feeds", json={"feedType": "JSON_LISTINGS_FEED"}
    )
    assert missing.status_code == 400
    assert "marketplaceIds" in missing.json()["errors"][0]["details"]
    unknown_doc = sandbox.sp(
        "POST",
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [DE],
            "inputFeedDocumentId": "nope",
        },
    )
    assert unknown_doc.status_code == 400
    assert sandbox.sp("GET", "/feeds/2021-06-30/feeds/123").status_code == 404


@pytest.mark.parametrize("tamper", ["signature", "content_type"])
def test_upload_url_is_presigned(sandbox, tamper):
    doc = sandbox.sp(
        "POST", "/feeds/2021-06-30/documents", json={"contentType": "application/json"}
    ).json()
    url, ctype = doc["url"], "application/json"
    if tamper == "signature":
        url = url[:-4] + "0000"
    else:
        ctype = "text/plain"
    response = httpx.put(url, content=b"{}", headers={"Content-Type": ctype})
    assert response.status_code == 403
    assert b"<Code>" in response.content
