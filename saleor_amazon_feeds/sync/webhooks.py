"""Stock changes as Saleor platform webhooks, received at the plugin's endpoint.

Saleor 3.23 has no stock hooks for plugins, so the plugin's own App subscribes
to the stock events with a webhook pointing back at
``/plugins/global/<PLUGIN_ID>/sync/stock`` (provisioned by
``services.saleor_app``). The webhook has no secret key, so Saleor signs each
payload with its RS256 key; the handler accepts nothing without a valid
signature and a ``Saleor-Event`` that the active webhook subscribes to. This
module is the handler and the payload's parsing; the endpoint's route table
(``endpoint``) points here.
"""

import json
import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from graphql_relay import from_global_id
from saleor.webhook.models import WebhookEvent

from ..constants import APP_IDENTIFIER, STOCK_WEBHOOK_NAME
from ..saleor_compat import BasePlugin, WebhookEventAsyncType
from . import hooks
from .signature import verify_saleor_signature

log = logging.getLogger(__name__)

# What the plugin App's stock webhook subscribes to.
STOCK_EVENTS = (
    WebhookEventAsyncType.PRODUCT_VARIANT_STOCK_UPDATED,
    WebhookEventAsyncType.PRODUCT_VARIANT_OUT_OF_STOCK,
    WebhookEventAsyncType.PRODUCT_VARIANT_BACK_IN_STOCK,
)


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
    return frozenset(
        WebhookEvent.objects.filter(
            webhook__app__identifier=APP_IDENTIFIER,
            webhook__app__is_active=True,
            webhook__app__removed_at__isnull=True,
            webhook__name=STOCK_WEBHOOK_NAME,
            webhook__is_active=True,
            event_type__in=STOCK_EVENTS,
        ).values_list("event_type", flat=True)
    )


def _unauthorized(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=401)


def stock_webhook(plugin: BasePlugin, request: HttpRequest) -> HttpResponse:
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
        written = hooks.stock_changed(variant_ids)
    return JsonResponse({"variants": len(variant_ids), "recorded": written})
