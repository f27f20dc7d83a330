"""Forged stock webhooks, over real HTTP to the plugin's endpoint.

Saleor's live server serves the plugin; genuine deliveries go out through
Saleor's own webhook transport (``send_webhook_using_scheme_method``, which
signs with Saleor's key exactly as its Celery tasks do), forged ones through
httpx. Every forgery must get 401 and leave the outbox (``AmazonSyncChange``)
empty; the positive controls show that the same body, sent genuinely, would
have been recorded, so each 401 is down to the forgery.
"""

import base64
import hashlib
import hmac
import json

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from graphql_relay import to_global_id
from jwt.algorithms import RSAAlgorithm
from saleor.core.jwt import create_access_token, create_refresh_token
from saleor.core.jwt_manager import get_jwt_manager
from saleor.webhook.models import WebhookEvent
from saleor.webhook.transport import signature_for_payload
from saleor.webhook.transport.utils import send_webhook_using_scheme_method

from saleor_amazon_feeds.models import AmazonSyncChange
from saleor_amazon_feeds.plugin import PLUGIN_ID
from saleor_amazon_feeds.services.saleor_app import ensure_stock_webhook

# The live server answers from its own threads and connections: the test data
# must be committed for it to see.
pytestmark = pytest.mark.django_db(transaction=True)

EVENT = "product_variant_stock_updated"


@pytest.fixture
def stock_url(live_saleor, settings, sync_marketplace):
    """The plugin's stock endpoint on Saleor's live server, subscription in place."""
    settings.PUBLIC_URL = live_saleor
    ensure_stock_webhook()
    return f"{live_saleor}/plugins/global/{PLUGIN_ID}/sync/stock/"


@pytest.fixture
def body(listable_product):
    """Saleor's legacy stock payload for a variant the marketplace sells."""
    variant = listable_product.variants.get()
    stock = variant.stocks.get()
    return json.dumps(
        [
            {
                "type": "Stock",
                "id": to_global_id("Stock", stock.pk),
                "product_variant_id": to_global_id("ProductVariant", variant.pk),
                "warehouse_id": to_global_id("Warehouse", stock.warehouse_id),
            }
        ]
    ).encode()


def deliver(url: str, body: bytes, event: str) -> int:
    """A delivery by Saleor's own webhook transport and signer; its status."""
    response = send_webhook_using_scheme_method(url, "mirumee.com", None, event, body)
    return response.response_status_code


def post(url: str, body: bytes, signature: str | None, event: str | None = EVENT):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Saleor-Signature"] = signature
    if event is not None:
        headers["Saleor-Event"] = event
    return httpx.post(url, content=body, headers=headers, timeout=30)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(header: dict, signed_payload: bytes, sign, sent_payload: str = "") -> str:
    """A compact JWS built by hand, so headers PyJWT would refuse can be tested."""
    encoded_header = b64url(json.dumps(header, separators=(",", ":")).encode())
    signature = sign(encoded_header.encode() + b"." + signed_payload)
    return f"{encoded_header}.{sent_payload}.{b64url(signature)}"


def saleor_rs256(message: bytes) -> bytes:
    """Signed with Saleor's own private key (what an attacker does not have)."""
    return RSAAlgorithm(RSAAlgorithm.SHA256).sign(
        message, get_jwt_manager().get_private_key()
    )


def saleor_header(**changes) -> dict:
    header = {
        "alg": "RS256",
        "b64": False,
        "crit": ["b64"],
        "kid": get_jwt_manager().get_key_id(),
        "typ": "JWT",
    }
    header.update(changes)
    return {key: value for key, value in header.items() if value is not None}


def assert_rejected(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] in (
        "INVALID_SIGNATURE",
        "UNSUBSCRIBED_EVENT",
    )
    assert not AmazonSyncChange.objects.exists()


# -- positive controls --------------------------------------------------------------


def test_genuine_delivery_is_recorded(stock_url, body, settings):
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    assert deliver(stock_url, body, EVENT) == 200
    assert AmazonSyncChange.objects.get().kind == "INVENTORY"


def test_hand_built_jws_in_saleors_form_is_accepted(stock_url, body, settings):
    # The builder the forgeries below use is right: in Saleor's exact form and
    # with Saleor's key it verifies, so their rejections are due to the change.
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    response = post(stock_url, body, compact(saleor_header(), body, saleor_rs256))
    assert response.status_code == 200, response.text
    assert response.json() == {"variants": 1, "recorded": 1}


# -- Saleor's own tokens are not signatures -----------------------------------------


@pytest.mark.parametrize(
    ("who", "make_token"),
    [
        ("customer", create_access_token),
        ("customer", create_refresh_token),
        ("staff", create_access_token),
        ("staff", create_refresh_token),
    ],
)
def test_saleor_token_as_signature_is_rejected(
    stock_url, body, customer_user, staff_user, who, make_token
):
    user = customer_user if who == "customer" else staff_user
    token = make_token(user)
    # Really Saleor's: signed with the same key and kid as the webhooks.
    assert jwt.get_unverified_header(token)["kid"] == get_jwt_manager().get_key_id()
    assert_rejected(post(stock_url, body, token))


# -- forged or altered signatures ---------------------------------------------------


def foreign_rs256(message: bytes) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return RSAAlgorithm(RSAAlgorithm.SHA256).sign(message, key)


def hs256_with_public_key(message: bytes) -> bytes:
    # The classic algorithm confusion: the public key (which anyone can fetch
    # from /.well-known/jwks.json) as an HMAC secret.
    pem = (
        get_jwt_manager()
        .get_public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    return hmac.new(pem, message, hashlib.sha256).digest()


def forged_signature(case: str, body: bytes) -> str:
    if case == "foreign key":
        return compact(saleor_header(), body, foreign_rs256)
    if case == "alg none":
        return compact(saleor_header(alg="none"), body, lambda _: b"")
    if case == "HS256 with the public key as secret":
        return compact(saleor_header(alg="HS256"), body, hs256_with_public_key)
    if case == "kid Saleor does not publish":
        return compact(saleor_header(kid="not-published"), body, saleor_rs256)
    if case == "no kid":
        return compact(saleor_header(kid=None), body, saleor_rs256)
    if case == "non-empty payload part":
        # Saleor's own signer with the payload embedded: the b64 header then
        # falls away, the JWS is an ordinary one over the body.
        return get_jwt_manager().jws_encode(body, is_payload_detached=False)
    if case == "detached signature with the body pasted in":
        genuine = signature_for_payload(body, None)
        header, _, signature = genuine.split(".")
        return f"{header}.{b64url(body)}.{signature}"
    if case == "b64 true":
        return compact(saleor_header(b64=True), b64url(body).encode(), saleor_rs256)
    if case == "b64 missing":
        return compact(saleor_header(b64=None), b64url(body).encode(), saleor_rs256)
    if case == "crit missing":
        return compact(saleor_header(crit=None), body, saleor_rs256)
    if case == "unknown crit extension":
        header = saleor_header(crit=["b64", "exp"], exp=4102444800)
        return compact(header, body, saleor_rs256)
    if case == "signature over another body":
        return signature_for_payload(body.replace(b"Stock", b"Stick"), None)
    if case == "HMAC of a webhook with a secret":
        return signature_for_payload(body, "a-secret")
    if case == "garbage":
        return "not.a.jws"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "foreign key",
        "alg none",
        "HS256 with the public key as secret",
        "kid Saleor does not publish",
        "no kid",
        "non-empty payload part",
        "detached signature with the body pasted in",
        "b64 true",
        "b64 missing",
        "crit missing",
        "unknown crit extension",
        "signature over another body",
        "HMAC of a webhook with a secret",
        "garbage",
    ],
)
def test_forged_signature_is_rejected(stock_url, body, case):
    response = post(stock_url, body, forged_signature(case, body))
    assert_rejected(response)
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"


def test_missing_signature_is_rejected(stock_url, body):
    assert_rejected(post(stock_url, body, None))


def test_body_altered_by_one_byte_is_rejected(stock_url, body):
    signature = signature_for_payload(body, None)
    # Still valid JSON with the same meaning: only the signature can tell.
    altered = body.replace(b" ", b"\t", 1)
    assert altered != body
    assert json.loads(altered) == json.loads(body)
    assert_rejected(post(stock_url, altered, signature))


# -- the event must be one the plugin's subscription has ----------------------------


@pytest.mark.parametrize("event", ["order_created", "product_variant_updated"])
def test_genuine_delivery_of_another_event_is_rejected(stock_url, body, event):
    assert deliver(stock_url, body, event) == 401
    assert not AmazonSyncChange.objects.exists()


def test_missing_event_header_is_rejected(stock_url, body):
    response = post(stock_url, body, signature_for_payload(body, None), event=None)
    assert_rejected(response)
    assert response.json()["error"]["code"] == "UNSUBSCRIBED_EVENT"


@pytest.mark.parametrize(
    "event",
    [
        "",
        "PRODUCT_VARIANT_STOCK_UPDATED",
        "product_variant_stock_updated,order_created",
        "product_variant_stock_updated; x=1",
    ],
)
def test_malformed_event_header_is_rejected(stock_url, body, event):
    response = post(stock_url, body, signature_for_payload(body, None), event=event)
    assert_rejected(response)


def test_event_removed_from_the_subscription_is_rejected(stock_url, body):
    WebhookEvent.objects.filter(
        webhook__name="Amazon Feeds: stock", event_type="product_variant_back_in_stock"
    ).delete()
    assert deliver(stock_url, body, "product_variant_back_in_stock") == 401
    assert not AmazonSyncChange.objects.exists()


def test_delivery_to_an_inactive_webhook_is_rejected(stock_url, body):
    from saleor_amazon_feeds.services.saleor_app import deactivate_stock_webhook

    assert deactivate_stock_webhook() == 1
    assert deliver(stock_url, body, EVENT) == 401
    assert not AmazonSyncChange.objects.exists()
