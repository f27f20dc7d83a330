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
        AmazonMarketplace,
        related_name="sync_changes",
        on_delete=models.CASCADE,
        # The indexes below start with the marketplace: one of its own
        # would only slow the writes (every queued change).
        db_index=False,
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
        # No index by first change: the drainer groups a kind's rows by
        # product before it orders them, and the unique index's
        # (marketplace, kind) serves every read; one more would only slow
        # each queued change (a full pass's 10,000 price rows: a fifth).


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


class AmazonAcceptedValue(models.Model):
    """What reconciliation compares for one listed variant and kind: the
    value Amazon last accepted (quantity for INVENTORY, price for PRICES).

    Derived from the listing states and lookups by one rule
    (``sync.accepted``) and refreshed from them, for the variants written
    since, at the start of each pass: a pass over a whole marketplace then
    reads two narrow rows per variant instead of ranking every state of it.
    A variant with that kind's feed pending at Amazon, or not through the
    listing gate, has no row. Two states accepted at the same instant both
    keep theirs (``state_id``), as the rule does.
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace,
        related_name="+",
        on_delete=models.CASCADE,
        # The indexes below start with the marketplace: one of its own
        # would only slow the writes (the refreshes).
        db_index=False,
    )
    kind = models.CharField(max_length=16, choices=FEED_KIND_CHOICES)
    variant_id = models.IntegerField()
    product_id = models.IntegerField()
    state_id = models.BigIntegerField()
    accepted = models.DecimalField(max_digits=20, decimal_places=6)
    # What Saleor offers now (``sync.quantities.current_value_sql``), kept
    # beside it by the refreshes; NULL where there is nothing to compare (no
    # channel price). A pass reads only the rows where the two differ.
    current = models.DecimalField(max_digits=20, decimal_places=6, null=True)

    class Meta:
        ordering = ("pk",)
        indexes = [
            models.Index(fields=["marketplace", "variant_id"]),
            models.Index(
                fields=["marketplace", "kind"],
                name="amazon_feeds_accepted_differs",
                condition=models.Q(current__isnull=False)
                & ~models.Q(accepted=models.F("current")),
            ),
        ]


class AmazonAcceptedChange(models.Model):
    """A listing state or lookup written since the accepted values were last
    refreshed: rows PostgreSQL triggers add (migration 0003) for every
    statement that writes those tables, whoever runs it.

    Only added to by writers and only taken by the refresh, which holds a
    lock of its own: writers never wait on it and never touch the values.
    ``variant_id`` and ``sku`` both empty ask for the whole marketplace to
    be refreshed. No foreign key: a marketplace's states are deleted before
    it, and their rows are added while it goes (``accepted.refresh_all``
    clears them).
    """

    marketplace_id = models.IntegerField()
    variant_id = models.IntegerField(null=True)
    sku = models.CharField(max_length=64, null=True)

    class Meta:
        ordering = ("pk",)
        indexes = [models.Index(fields=["marketplace_id"])]


class AmazonSellableQuantity(models.Model):
    """The quantity a marketplace offers for one Saleor variant, kept by one
    rule (``sync.quantities``) and refreshed (``sync.sellable``) for the
    variants whose stock, allocations or inventory tracking changed since,
    at the start of each reconciliation pass; the accepted values' current
    quantities are read from here. Every variant of the catalog has a row
    per marketplace."""

    marketplace = models.ForeignKey(
        AmazonMarketplace,
        related_name="+",
        on_delete=models.CASCADE,
        # The indexes below start with the marketplace: one of its own
        # would only slow the writes (the refreshes).
        db_index=False,
    )
    variant_id = models.IntegerField()
    quantity = models.IntegerField()

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "variant_id"],
                name="amazon_feeds_sellable_unique_per_variant",
            )
        ]


class AmazonStockChange(models.Model):
    """A write since the sellable quantities were last refreshed: rows
    PostgreSQL triggers add (migration 0004) for every statement that
    changes Saleor's stock, allocations or a variant's inventory tracking
    (``variant_id``, for every marketplace), or a marketplace's stock
    settings or warehouses (``marketplace_id`` alone: all its variants).
    Neither set asks for every marketplace to be refreshed whole.

    Only added to by writers and only taken by the refresh, which holds a
    lock of its own: Saleor's checkout never waits on it.
    """

    marketplace_id = models.IntegerField(null=True)
    variant_id = models.IntegerField(null=True)

    class Meta:
        ordering = ("pk",)


class AmazonPriceChange(models.Model):
    """A channel price written since the current prices beside the accepted
    ones were last refreshed: rows PostgreSQL triggers add (migration 0005)
    for every statement that changes a variant's channel price
    (``variant_id``, for every marketplace), or a marketplace's channel or
    currency (``marketplace_id`` alone: all its variants). Taken by the
    sellable refresh (``sync.sellable``), under its lock."""

    marketplace_id = models.IntegerField(null=True)
    variant_id = models.IntegerField(null=True)

    class Meta:
        ordering = ("pk",)
