"""Celery tasks of the automatic sync and their beat entries.

The plugin registers the periodic ones itself (see ``schedule``): merchants
set nothing up. Hooks and webhooks only nudge: a debounced drain and, for
stock changes, an urgent check.
"""

from datetime import timedelta

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from .. import conf, schedule
from ..amazon.errors import AmazonError
from ..models import AmazonMarketplace, AmazonSyncChange

log = get_task_logger(__name__)

DRAIN_EVERY = timedelta(seconds=15)
RECONCILE_EVERY = timedelta(minutes=10)
URGENT_RETRY = timedelta(seconds=30)


def _marketplaces():
    return AmazonMarketplace.objects.select_related("account", "channel").filter(
        auto_sync=True
    )


@app.task
@allow_writer()
def drain_outbox_task(marketplace_pk: int | None = None, force: bool = False):
    from .drain import drain_marketplace

    marketplaces = _marketplaces().filter(
        pk__in=AmazonSyncChange.objects.values("marketplace_id")
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
        if result.next_at is not None and not app.conf.task_always_eager:
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


@app.task
@allow_writer()
def reconcile_task():
    from ..services.saleor_app import plugin_is_active
    from .reconcile import reconcile_marketplace
    from .webhooks import ensure_stock_webhook

    # Repairs a webhook a merchant deleted or a changed public URL.
    ensure_stock_webhook()
    if plugin_is_active():
        from ..services.dashboard_app import provision_dashboard_app

        # Likewise the dashboard's extensions and the App's absolute appUrl.
        provision_dashboard_app()
    queued = {mp.pk: reconcile_marketplace(mp) for mp in _marketplaces()}
    if any(sum(q.values()) for q in queued.values()):
        nudge_drain()
    return queued


@app.task
@allow_writer()
def urgent_check_task(variant_ids: list[int]):
    from .urgent import unsellable_listed

    patches = unsellable_listed(variant_ids)
    for patch in patches:
        urgent_patch_task.delay(
            patch.marketplace_pk, patch.variant_id, patch.product_id, patch.sku
        )
    return len(patches)


@app.task(bind=True, max_retries=40)
@allow_writer()
def urgent_patch_task(self, marketplace_pk, variant_id, product_id, sku):
    from ..services.amazon_clients import client_for
    from .urgent import UrgentPatch, patch_to_zero

    marketplace = (
        AmazonMarketplace.objects.select_related("account")
        .filter(pk=marketplace_pk)
        .first()
    )
    if marketplace is None:
        return False
    patch = UrgentPatch(marketplace_pk, variant_id, product_id, sku)
    countdown = URGENT_RETRY.total_seconds() / conf.time_scale()
    try:
        with client_for(marketplace.account) as client:
            sent = patch_to_zero(client, marketplace, patch)
    except AmazonError as exc:
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
    import redis

    from .locks import debounce

    try:
        return debounce(name, seconds)
    except redis.exceptions.RedisError:  # must not break a Saleor mutation
        log.warning("Redis unavailable; drain left to the periodic task")
        return False


schedule.register(
    "drain-outbox",
    "saleor_amazon_feeds.sync.tasks.drain_outbox_task",
    DRAIN_EVERY,
)
schedule.register(
    "reconcile",
    "saleor_amazon_feeds.sync.tasks.reconcile_task",
    RECONCILE_EVERY,
)
