"""Stock changes as Saleor platform webhooks, received at the plugin's endpoint.

Saleor 3.23 has no stock hooks for plugins, so the plugin's own App subscribes
to the stock events with a webhook pointing back at
``/plugins/global/<PLUGIN_ID>/sync/stock``. The webhook has no secret key, so
Saleor signs each payload with its RS256 key; the handler accepts nothing
without a valid signature and a ``Saleor-Event`` that the active webhook
subscribes to.
"""

import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from graphql_relay import from_global_id
from saleor.webhook.event_types import WebhookEventAsyncType

from ..endpoint import route
from .outbox import Change, record_variants
from .signature import verify_saleor_signature

if TYPE_CHECKING:
    from saleor.webhook.models import Webhook

    from ..plugin import AmazonFeedsPlugin

log = logging.getLogger(__name__)

STOCK_PATH = "sync/stock"
WEBHOOK_NAME = "Amazon Feeds: stock"
STOCK_EVENTS = (
    WebhookEventAsyncType.PRODUCT_VARIANT_STOCK_UPDATED,
    WebhookEventAsyncType.PRODUCT_VARIANT_OUT_OF_STOCK,
    WebhookEventAsyncType.PRODUCT_VARIANT_BACK_IN_STOCK,
)


def stock_webhook_url() -> str:
    from saleor.core.utils import build_absolute_uri

    from ..plugin import PLUGIN_ID

    return build_absolute_uri(f"/plugins/global/{PLUGIN_ID}/{STOCK_PATH}/")


def ensure_stock_webhook() -> "Webhook":
    """The plugin App's stock webhook, created or repaired (idempotent)."""
    from saleor.webhook.models import Webhook, WebhookEvent

    from ..services.saleor_app import get_or_create_plugin_app

    app = get_or_create_plugin_app()
    url = stock_webhook_url()
    with transaction.atomic():
        webhook = (
            Webhook.objects.select_for_update()
            .filter(app=app, name=WEBHOOK_NAME)
            .order_by("pk")
            .first()
        )
        if webhook is None:
            webhook = Webhook.objects.create(
                app=app, name=WEBHOOK_NAME, target_url=url, is_active=True
            )
        elif webhook.target_url != url or not webhook.is_active or webhook.secret_key:
            # A secret key would switch Saleor to HMAC signatures, which the
            # handler rejects; the payload must be signed with Saleor's key.
            webhook.target_url, webhook.is_active, webhook.secret_key = url, True, None
            webhook.save(update_fields=["target_url", "is_active", "secret_key"])
        have = set(webhook.events.values_list("event_type", flat=True))
        WebhookEvent.objects.bulk_create(
            WebhookEvent(webhook=webhook, event_type=event)
            for event in STOCK_EVENTS
            if event not in have
        )
    return webhook


def deactivate_stock_webhook() -> int:
    """Stop Saleor sending stock events while the plugin is inactive (its
    endpoint answers 404 then, and Saleor would retry each delivery)."""
    from saleor.webhook.models import Webhook

    from ..services.saleor_app import APP_IDENTIFIER

    return Webhook.objects.filter(
        app__identifier=APP_IDENTIFIER, name=WEBHOOK_NAME, is_active=True
    ).update(is_active=False)


def variant_ids_from_payload(payload: Any) -> list[int]:
    """Variant pks in a legacy or subscription stock payload."""
    ids = []
    for value in _variant_global_ids(payload):
        try:
            type_name, pk = from_global_id(value)
        except (TypeError, ValueError, UnicodeDecodeError):
            continue
        if type_name == "ProductVariant" and str(pk).isdigit():
            ids.append(int(pk))
    return sorted(set(ids))


def _variant_global_ids(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _variant_global_ids(item)
    elif isinstance(node, dict):
        value = node.get("product_variant_id")
        if isinstance(value, str):
            yield value
        variant = node.get("productVariant")
        if isinstance(variant, dict) and isinstance(variant.get("id"), str):
            yield variant["id"]
        for key, child in node.items():
            if key not in ("product_variant_id", "productVariant") and isinstance(
                child, list | dict
            ):
                yield from _variant_global_ids(child)


def subscribed_stock_events() -> frozenset[str]:
    """The stock events Saleor may currently deliver to the plugin's endpoint.

    Read from the database on every delivery rather than assumed from
    STOCK_EVENTS: a webhook deactivated (plugin inactive) or stripped of an
    event must stop being honoured at once.
    """
    from saleor.webhook.models import WebhookEvent

    from ..services.saleor_app import APP_IDENTIFIER

    return frozenset(
        WebhookEvent.objects.filter(
            webhook__app__identifier=APP_IDENTIFIER,
            webhook__app__is_active=True,
            webhook__app__removed_at__isnull=True,
            webhook__name=WEBHOOK_NAME,
            webhook__is_active=True,
            event_type__in=STOCK_EVENTS,
        ).values_list("event_type", flat=True)
    )


def _unauthorized(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=401)


@route(STOCK_PATH, methods=("POST",))
def stock_webhook(plugin: "AmazonFeedsPlugin", request: HttpRequest) -> HttpResponse:
    body = request.body
    if not verify_saleor_signature(body, request.headers.get("Saleor-Signature")):
        log.warning("Rejected a stock webhook with a missing or invalid signature")
        return _unauthorized("INVALID_SIGNATURE", "Bad signature.")
    # Saleor signs every payload it sends with the same key, whatever the
    # event or the app: only the plugin's own active subscription says which
    # genuine deliveries belong here.
    event = request.headers.get("Saleor-Event") or ""
    if event not in subscribed_stock_events():
        log.warning("Rejected a stock webhook for an unsubscribed event %r", event[:64])
        return _unauthorized("UNSUBSCRIBED_EVENT", "Event not subscribed.")
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return JsonResponse(
            {"error": {"code": "INVALID_PAYLOAD", "message": "Not JSON."}},
            status=400,
        )
    variant_ids = variant_ids_from_payload(payload)
    with transaction.atomic():
        written = record_variants(Change.STOCK, variant_ids=variant_ids)
    return JsonResponse({"variants": len(variant_ids), "recorded": written})
