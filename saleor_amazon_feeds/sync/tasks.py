"""Celery tasks of the automatic sync.

The plugin registers the periodic ones itself (see ``schedule``): merchants
set nothing up. Hooks and webhooks only nudge (:mod:`.hooks`): a debounced
drain and, for stock changes, an urgent check.
"""

from datetime import timedelta

import redis
from celery.utils.log import get_task_logger
from django.utils import timezone

from .. import conf
from ..amazon.errors import AmazonError
from ..amazon_clients import client_for, pause_if_unauthorised
from ..models import AmazonMarketplace, AmazonSyncChange
from ..models.accounts import MarketplaceStatus
from ..saleor_compat import allow_writer, celery_app
from . import accepted, sellable
from .drain import drain_marketplace
from .listing_reconcile import reconcile_listings
from .locks import debounce
from .reconcile import reconcile_changes, reconcile_marketplace
from .urgent import UrgentPatch, patch_to_zero, unsellable_listed

log = get_task_logger(__name__)

URGENT_RETRY = timedelta(seconds=30)


def _marketplaces():
    return AmazonMarketplace.objects.select_related("account", "channel").filter(
        auto_sync=True
    )


@celery_app.task
@allow_writer()
def drain_outbox_task(marketplace_pk: int | None = None, force: bool = False):
    # A paused marketplace (Amazon refused its authorisation) waits for the
    # merchant to reconnect it; its changes stay queued meanwhile.
    marketplaces = (
        _marketplaces()
        .filter(pk__in=AmazonSyncChange.objects.values("marketplace_id"))
        .exclude(status=MarketplaceStatus.ERROR)
    )
    if marketplace_pk is not None:
        marketplaces = marketplaces.filter(pk=marketplace_pk)
    results = {}
    for marketplace in marketplaces:
        result = drain_marketplace(marketplace, force=force)
        results[marketplace.pk] = {
            "reason": str(result.reason),
            "submitted": result.submitted,
            "consumed": result.consumed,
        }
        if result.next_at is not None and not celery_app.conf.task_always_eager:
            # Come back when the quota or the settle window allows, not later
            # (an eager run cannot wait: the periodic drain covers it). One
            # such wake-up per marketplace and wait, however often beat runs.
            wait = (result.next_at - timezone.now()).total_seconds()
            if _debounce(
                f"wake:{marketplace.pk}:{result.next_at.isoformat()}", max(wait, 1.0)
            ):
                drain_outbox_task.apply_async(
                    kwargs={"marketplace_pk": marketplace.pk}, eta=result.next_at
                )
    return results


@celery_app.task
@allow_writer()
def reconcile_task():
    # The plugin's Saleor App (stock webhook, dashboard) is repaired by a task
    # of its own, services.tasks.repair_saleor_app_task.
    # Marketplaces without automatic sync fold their logged changes too, so
    # the logs never grow for want of a pass.
    accepted.refresh_all()
    sellable.refresh()
    queued = {mp.pk: reconcile_marketplace(mp) for mp in _marketplaces()}
    if any(sum(q.values()) for q in queued.values()):
        nudge_drain()
    return queued


@celery_app.task
@allow_writer()
def reconcile_listings_task():
    queued = reconcile_listings()
    if queued:
        nudge_drain()
    return queued


@celery_app.task
@allow_writer()
def reconcile_changed_task():
    """Between full passes, the variants changed since the previous pass."""
    queued = reconcile_changes(_marketplaces())
    if any(sum(q.values()) for q in queued.values()):
        nudge_drain()
    return queued


@celery_app.task
@allow_writer()
def urgent_check_task(variant_ids: list[int]):
    patches = unsellable_listed(variant_ids)
    for patch in patches:
        urgent_patch_task.delay(
            patch.marketplace_pk, patch.variant_id, patch.product_id, patch.sku
        )
    return len(patches)


@celery_app.task(bind=True, max_retries=40)
@allow_writer()
def urgent_patch_task(self, marketplace_pk, variant_id, product_id, sku):
    marketplace = (
        AmazonMarketplace.objects.select_related("account")
        .filter(pk=marketplace_pk)
        .first()
    )
    if marketplace is None:
        return False
    patch = UrgentPatch(marketplace_pk, variant_id, product_id, sku)
    countdown = conf.scaled(URGENT_RETRY).total_seconds()
    try:
        with client_for(marketplace.account) as client:
            sent = patch_to_zero(client, marketplace, patch)
    except AmazonError as exc:
        if pause_if_unauthorised(marketplace.account, exc):
            return False
        if not exc.retryable:
            log.warning("Urgent PATCH of %s failed: %s", sku, exc.merchant_message)
            return False
        raise self.retry(countdown=exc.retry_after or countdown) from exc
    if not sent:
        # A feed carrying this SKU is still open at Amazon: patch after it.
        raise self.retry(countdown=countdown)
    return True


def nudge_drain() -> None:
    """Schedule a drain once the settle window has passed (debounced)."""
    settle = conf.sync_settle_seconds()
    if _debounce("drain", settle):
        drain_outbox_task.apply_async(countdown=settle)


def check_unsellable(variant_ids: list[int]) -> None:
    urgent_check_task.delay(list(variant_ids))


def _debounce(name: str, seconds: float) -> bool:
    try:
        return debounce(name, seconds)
    except redis.exceptions.RedisError:  # must not break a Saleor mutation
        log.warning("Redis unavailable; drain left to the periodic task")
        return False
