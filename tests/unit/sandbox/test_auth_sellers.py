from tests.unit.sandbox.schemas import assert_response

FEEDS = "feeds_2021-06-30"


def test_token_accepts_any_credentials(sandbox):
    response = sandbox.token("Atzr|anything")
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] == "Atzr|anything"
    assert body["access_token"].startswith("Atza|")


def test_token_rejects_missing_refresh_token(sandbox):
    response = sandbox.http.post(
        "/auth/o2/token",
        data={"grant_type": "refresh_token", "client_id": "a", "client_secret": "b"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_sp_api_requires_issued_token(sandbox):
    missing = sandbox.http.get("/sellers/v1/marketplaceParticipations")
    forged = sandbox.http.get(
        "/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": "Atza|forged"},
    )
    for response in (missing, forged):
        assert response.status_code == 403
        error = response.json()["errors"][0]
        assert error["code"] == "Unauthorized"
        assert error["message"]
        assert error["details"]


def test_marketplace_participations(sandbox):
    response = sandbox.sp("GET", "/sellers/v1/marketplaceParticipations")
    body = assert_response("sellers", "getMarketplaceParticipations", response)
    by_id = {p["marketplace"]["id"]: p for p in body["payload"]}
    assert set(by_id) == {
        "A1PA6795UKMFR9",
        "A13V1IB3VIYZZH",
        "APJ6JRA9NG5V4",
        "A1RKKUPIHCS9HS",
        "A1F83G8C2ARO7P",
        "ATVPDKIKX0DER",
        "A2EUQ1WTGCTBG2",
    }
    de = by_id["A1PA6795UKMFR9"]["marketplace"]
    assert (
        de["countryCode"],
        de["defaultCurrencyCode"],
        de["defaultLanguageCode"],
    ) == (
        "DE",
        "EUR",
        "de_DE",
    )
    assert by_id["A1F83G8C2ARO7P"]["marketplace"]["defaultCurrencyCode"] == "GBP"
    assert by_id["A1F83G8C2ARO7P"]["marketplace"]["domainName"] == "www.amazon.co.uk"
    assert by_id["A2EUQ1WTGCTBG2"]["marketplace"]["defaultCurrencyCode"] == "CAD"
    assert all(p["participation"]["isParticipating"] for p in body["payload"])
    assert response.headers["x-amzn-RateLimit-Limit"]
    assert response.headers["x-amzn-RequestId"]


def test_unknown_path_and_method(sandbox):
    assert sandbox.sp("GET", "/nope/v1/x").status_code == 404
    response = sandbox.sp("PUT", "/sellers/v1/marketplaceParticipations")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "MethodNotAllowed"
