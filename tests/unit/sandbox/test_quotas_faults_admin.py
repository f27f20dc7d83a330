import time

import httpx
import pytest

from saleor_amazon_feeds.sandbox import SandboxServer
from saleor_amazon_feeds.sandbox.quotas import RATES
from tests.fixtures.sandbox import DE, SandboxClient

FEED = {
    "header": {"sellerId": "A3SANDBOXSELLR", "version": "2.0"},
    "messages": [{"messageId": 1, "sku": "GONE", "operationType": "DELETE"}],
}


@pytest.fixture(scope="module")
def real_time_sandbox():
    """A sandbox running at Amazon's real rates, so bursts are exact."""
    server = SandboxServer(port=0, time_scale=1.0).start()
    client = SandboxClient(server)
    yield client
    client.close()
    server.stop()


@pytest.mark.spapi
def test_rate_table_matches_models():
    pytest.importorskip("jsonschema")
    import re

    from saleor_amazon_feeds.spapi_spec import load_json

    checked = 0
    for model in (
        "feeds_2021-06-30",
        "listingsItems_2021-08-01",
        "definitionsProductTypes_2020-09-01",
        "sellers",
        "orders_2026-01-01",
        "ordersV0",
    ):
        for ops in load_json(f"models/{model}.json")["paths"].values():
            for op in ops.values():
                if isinstance(op, dict) and op.get("operationId") in RATES:
                    match = re.search(
                        r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", op["description"]
                    )
                    assert RATES[op["operationId"]] == (float(match[1]), int(match[2]))
                    checked += 1
    assert checked >= 15


def test_burst_then_429(real_time_sandbox):
    sandbox = real_time_sandbox
    sandbox.reset()
    statuses = [
        sandbox.sp(
            "GET", "/feeds/2021-06-30/feeds", params={"feedTypes": "JSON_LISTINGS_FEED"}
        )
        for _ in range(11)
    ]
    assert [r.status_code for r in statuses[:10]] == [200] * 10
    assert statuses[10].status_code == 429
    assert statuses[10].json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
            }
        ]
    }
    assert statuses[0].headers["x-amzn-RateLimit-Limit"] == "0.0222"
    sandbox.reset()  # refills buckets
    assert (
        sandbox.sp(
            "GET", "/feeds/2021-06-30/feeds", params={"feedTypes": "JSON_LISTINGS_FEED"}
        ).status_code
        == 200
    )


def test_listings_feed_submission_window(real_time_sandbox):
    sandbox = real_time_sandbox
    sandbox.reset()
    for _ in range(5):
        sandbox.submit_feed(FEED)
    with pytest.raises(httpx.HTTPStatusError) as exc:
        sandbox.submit_feed(FEED)
    assert exc.value.response.status_code == 429
    # The window is per region: NA still has room.
    assert sandbox.submit_feed(FEED, ["ATVPDKIKX0DER"])
    sandbox.reset()


def test_time_scale_speeds_up_refill(sandbox):
    # At time_scale 100 getFeeds refills 2.22 tokens a second.
    codes = [
        sandbox.sp(
            "GET", "/feeds/2021-06-30/feeds", params={"feedTypes": "X"}
        ).status_code
        for _ in range(30)
    ]
    assert codes[:10] == [200] * 10
    assert 429 in codes
    time.sleep(0.5)
    assert (
        sandbox.sp(
            "GET", "/feeds/2021-06-30/feeds", params={"feedTypes": "X"}
        ).status_code
        == 200
    )


def test_fault_switches_round_trip(sandbox):
    assert sandbox.faults()["server_error_rate"] == 0.0
    updated = sandbox.set_faults(slow_ms=1, fatal_feeds=True)
    assert updated["slow_ms"] == 1
    assert updated["fatal_feeds"] is True
    assert sandbox.faults()["fatal_feeds"] is True
    bad = sandbox.http.put("/_sandbox/faults", json={"no_such": True})
    assert bad.status_code == 400
    wrong_type = sandbox.http.put("/_sandbox/faults", json={"slow_ms": True})
    assert wrong_type.status_code == 400
    sandbox.reset()
    assert sandbox.faults()["fatal_feeds"] is False


def test_server_error_next_and_operations(sandbox):
    sandbox.set_faults(
        server_error_next=2, server_error_operations=["getMarketplaceParticipations"]
    )
    assert (
        sandbox.sp(
            "GET", "/feeds/2021-06-30/feeds", params={"feedTypes": "X"}
        ).status_code
        == 200
    )
    codes = [
        sandbox.sp("GET", "/sellers/v1/marketplaceParticipations").status_code
        for _ in range(3)
    ]
    assert codes == [500, 500, 200]
    sandbox.set_faults(
        server_error_next=1, server_error_status=503, server_error_operations=None
    )
    response = sandbox.sp("GET", "/sellers/v1/marketplaceParticipations")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "ServiceUnavailable"


def test_server_error_rate_is_deterministic(sandbox):
    def run():
        sandbox.reset()
        sandbox.set_faults(server_error_rate=0.5, seed=7)
        return [
            sandbox.sp("GET", "/sellers/v1/marketplaceParticipations").status_code
            for _ in range(12)
        ]

    first, second = run(), run()
    assert first == second
    assert 500 in first
    assert 200 in first


def test_throttle_all_and_next(sandbox):
    sandbox.set_faults(throttle_next=1)
    assert sandbox.sp("GET", "/sellers/v1/marketplaceParticipations").status_code == 429
    assert sandbox.sp("GET", "/sellers/v1/marketplaceParticipations").status_code == 200
    sandbox.set_faults(throttle_all=True)
    response = sandbox.sp("GET", "/orders/2026-01-01/orders/302-4815162-3421001")
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "QuotaExceeded"


def test_slow_ms(sandbox):
    sandbox.set_faults(slow_ms=150)
    start = time.monotonic()
    sandbox.sp("GET", "/sellers/v1/marketplaceParticipations")
    assert time.monotonic() - start >= 0.15


def test_revoked_refresh_token(sandbox):
    token = sandbox.access_token()
    sandbox.set_faults(revoked_refresh_token=True)
    response = sandbox.token()
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": (
            "The request has an invalid grant parameter : refresh_token"
        ),
    }
    # Access tokens already issued keep working until they expire.
    assert (
        sandbox.sp(
            "GET",
            "/sellers/v1/marketplaceParticipations",
            headers={"x-amz-access-token": token},
        ).status_code
        == 200
    )


def test_fatal_feeds(sandbox):
    sandbox.set_faults(fatal_feeds=True)
    feed = sandbox.wait_feed(sandbox.submit_feed(FEED))
    assert feed["processingStatus"] == "FATAL"
    assert b"internal error" in sandbox.report(feed)


def test_stuck_feeds(sandbox):
    sandbox.set_faults(stuck_feeds=True)
    feed_id = sandbox.submit_feed(FEED)
    time.sleep(0.1)
    status = sandbox.sp("GET", f"/feeds/2021-06-30/feeds/{feed_id}").json()[
        "processingStatus"
    ]
    assert status == "IN_PROGRESS"
    sandbox.set_faults(stuck_feeds=False)
    assert sandbox.wait_feed(feed_id)["processingStatus"] == "DONE"


def test_broken_reports(sandbox):
    sandbox.set_faults(broken_reports=True)
    feed = sandbox.wait_feed(sandbox.submit_feed(FEED))
    assert feed["processingStatus"] == "DONE"
    import json

    with pytest.raises(ValueError):
        json.loads(sandbox.report(feed))


def test_admin_requests_and_feeds(sandbox):
    sandbox.sp("GET", "/sellers/v1/marketplaceParticipations")
    feed_id = sandbox.submit_feed(FEED)
    sandbox.wait_feed(feed_id)
    log = sandbox.requests()
    ops = [entry["operation"] for entry in log]
    assert {
        "lwaToken",
        "getMarketplaceParticipations",
        "createFeedDocument",
        "uploadFeedDocument",
        "createFeed",
        "getFeed",
    } <= set(ops) or "lwaToken" not in ops
    entry = next(e for e in log if e["operation"] == "createFeed")
    assert entry["method"] == "POST"
    assert entry["status"] == 202
    assert entry["path"] == "/feeds/2021-06-30/feeds"
    assert entry["time"].endswith("Z")
    only = sandbox.requests("createFeed")
    assert [e["operation"] for e in only] == ["createFeed"]
    feeds = sandbox.feeds()
    assert feeds[0]["feedId"] == feed_id
    assert feeds[0]["summary"]["messagesAccepted"] == 1
    assert feeds[0]["inputSize"] > 0
    assert (
        sandbox.http.get(
            "/_sandbox/listings", params={"marketplaceId": "NOPE"}
        ).status_code
        == 400
    )
    assert sandbox.listings(DE) == []


def test_drop_next_acts_then_cuts_the_answer_mid_body(sandbox):
    sandbox.set_faults(drop_next=1, drop_operations=["createFeed"])
    doc = sandbox.sp(
        "POST",
        "/feeds/2021-06-30/documents",
        json={"contentType": "application/json; charset=UTF-8"},
    ).json()
    httpx.put(
        doc["url"],
        content=b"{}",
        headers={"Content-Type": "application/json; charset=UTF-8"},
    ).raise_for_status()
    body = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [DE],
        "inputFeedDocumentId": doc["feedDocumentId"],
    }
    with pytest.raises(httpx.TransportError):
        sandbox.sp("POST", "/feeds/2021-06-30/feeds", json=body)
    # Amazon did create the feed; only the answer was lost. Once only.
    assert len(sandbox.feeds()) == 1
    assert sandbox.faults()["drop_next"] == 0
    assert sandbox.sp("POST", "/feeds/2021-06-30/feeds", json=body).status_code == 202
    assert len(sandbox.feeds()) == 2


def test_drop_operations_limits_the_drop(sandbox):
    sandbox.set_faults(drop_next=1, drop_operations=["getFeed"])
    assert sandbox.sp("GET", "/sellers/v1/marketplaceParticipations").status_code == 200
    assert sandbox.faults()["drop_next"] == 1


def test_expired_upload_url_is_refused_as_s3_does(sandbox):
    sandbox.set_faults(expired_upload_urls_next=1)
    ctype = "application/json; charset=UTF-8"
    expired, fresh = (
        sandbox.sp(
            "POST", "/feeds/2021-06-30/documents", json={"contentType": ctype}
        ).json()
        for _ in range(2)
    )
    refused = httpx.put(expired["url"], content=b"{}", headers={"Content-Type": ctype})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/xml"
    assert b"<Code>AccessDenied</Code>" in refused.content
    assert b"Request has expired" in refused.content
    ok = httpx.put(fresh["url"], content=b"{}", headers={"Content-Type": ctype})
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "bad",
    [{"drop_next": -1}, {"expired_upload_urls_next": -2}, {"drop_operations": "x"}],
)
def test_new_fault_switches_are_validated(sandbox, bad):
    response = sandbox.http.put("/_sandbox/faults", json=bad)
    assert response.status_code == 400
