from django.db import models
from django.utils import timezone

from .accounts import AmazonMarketplace
from .feeds import FEED_KIND_CHOICES


class AmazonSyncChange(models.Model):
    """A pending change to send to Amazon: the automatic sync's outbox.

    One row per (marketplace, kind, product, variant): repeated edits bump
    ``version`` instead of adding rows, so ten quick edits are one message. The
    drainer deletes a row only if its version is still the one it read, so an
    edit made while a feed is being built survives for the next feed.
    ``variant_id`` 0 stands for the product as a whole.
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="sync_changes", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=16, choices=FEED_KIND_CHOICES)
    product_id = models.IntegerField()
    variant_id = models.IntegerField(default=0)
    version = models.BigIntegerField(default=1)
    first_changed_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "kind", "product_id", "variant_id"],
                name="amazon_feeds_sync_change_unique",
            )
        ]
        indexes = [models.Index(fields=["marketplace", "kind", "first_changed_at"])]


class SyncWaitReason(models.TextChoices):
    IDLE = "IDLE", "Nothing to send"
    SETTLING = "SETTLING", "Collecting changes into a fuller feed"
    QUOTA = "QUOTA", "Waiting for Amazon's feed submission quota"
    ERROR = "ERROR", "Last attempt failed; retrying"
    DISABLED = "DISABLED", "Automatic sync is off"


class AmazonSyncStatus(models.Model):
    """What the automatic sync last did for a marketplace, and why it waits."""

    marketplace = models.OneToOneField(
        AmazonMarketplace, related_name="sync_status", on_delete=models.CASCADE
    )
    last_submission_at = models.DateTimeField(null=True, blank=True)
    next_submission_at = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.CharField(
        max_length=16, choices=SyncWaitReason.choices, default=SyncWaitReason.IDLE
    )
    last_error = models.TextField(blank=True, default="")
    last_reconciled_at = models.DateTimeField(null=True, blank=True)
    # Saleor's updated_at up to which the listing reconciliation has queued
    # changed products (sync/listing_reconcile.py).
    listings_checked_at = models.DateTimeField(null=True, blank=True)
    # Where the next pass over changed variants starts (``sync.reconcile``).
    changes_reconciled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
