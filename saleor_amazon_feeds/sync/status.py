"""What the merchant sees of the automatic sync, per marketplace."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ..amazon.errors import AmazonError
from ..amazon.rates import JSON_LISTINGS_FEED
from ..amazon_clients import limiter
from ..models import AmazonMarketplace, AmazonSyncStatus
from ..models.accounts import MarketplaceStatus
from ..models.sync import SyncWaitReason
from .outbox import pending_counts


@dataclass(frozen=True)
class SyncStatus:
    marketplace: AmazonMarketplace
    pending_changes: int
    last_submission_at: datetime | None
    next_submission_at: datetime | None
    waiting_reason: str
    last_error: str
    last_reconciled_at: datetime | None


def sync_statuses(marketplaces: list[AmazonMarketplace]) -> list[SyncStatus]:
    counts = pending_counts()
    stored = {
        s.marketplace_id: s
        for s in AmazonSyncStatus.objects.filter(marketplace__in=marketplaces)
    }
    result = []
    for marketplace in marketplaces:
        status = stored.get(marketplace.pk) or AmazonSyncStatus(marketplace=marketplace)
        pending = counts.get(marketplace.pk, 0)
        reason = status.waiting_reason
        next_at = status.next_submission_at
        last_error = status.last_error
        if not marketplace.auto_sync:
            reason = SyncWaitReason.DISABLED
        elif marketplace.status == MarketplaceStatus.ERROR:
            # Paused (e.g. a revoked authorisation): nothing goes out until
            # the account is reconnected, whatever the last drain said.
            reason, next_at = SyncWaitReason.ERROR, None
            last_error = marketplace.last_error or last_error
        elif not pending and reason != SyncWaitReason.ERROR:
            reason = SyncWaitReason.IDLE
        elif pending:
            quota_at = _quota_slot(marketplace)
            if quota_at is not None and quota_at > timezone.now():
                reason, next_at = (
                    SyncWaitReason.QUOTA,
                    max(quota_at, next_at or quota_at),
                )
        result.append(
            SyncStatus(
                marketplace=marketplace,
                pending_changes=pending,
                last_submission_at=status.last_submission_at,
                next_submission_at=next_at,
                waiting_reason=str(reason),
                last_error=last_error,
                last_reconciled_at=status.last_reconciled_at,
            )
        )
    return result


def _quota_slot(marketplace: AmazonMarketplace) -> datetime | None:
    try:
        return limiter().next_feed_submission_at(
            marketplace.account.seller_id,
            marketplace.account.region,
            JSON_LISTINGS_FEED,
        )
    except (AmazonError, OSError):
        return None
