"""Amazon order import: jobs, per-order records, cursors, shipment confirmations."""

from django.db import models
from django.utils import timezone
from saleor.core.models import Job

from .accounts import AmazonMarketplace


class JobTrigger(models.TextChoices):
    MANUAL = "MANUAL", "Started by a user or app"
    AUTOMATIC = "AUTOMATIC", "Started by the schedule"


class AmazonOrderImportJob(Job):
    """One run of the order import over some marketplaces.

    A Saleor ``Job``, as Saleor's CSV export (``ExportFile``) is: ``status``
    (Saleor's ``JobStatus``: pending, success, failed), ``message``,
    ``created_at`` and ``updated_at`` come from it. Saleor has no "running":
    a pending job with ``started_at`` set is running (``orders.jobs.job_state``
    is what the API shows). The counters move while the job runs, so the
    dashboard can poll progress.
    """

    marketplaces = models.ManyToManyField(AmazonMarketplace, related_name="+")
    trigger = models.CharField(
        max_length=16, choices=JobTrigger.choices, default=JobTrigger.MANUAL
    )
    requested_by = models.CharField(max_length=256, blank=True, default="")
    found = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    # [{"amazonOrderId", "reason"}] for skipped and held orders (capped).
    skipped_details = models.JSONField(default=list, blank=True)
    # Job-level problems (Amazon unreachable, ...): [{"marketplaceId", "message"}].
    errors = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)


class ImportStatus(models.TextChoices):
    IMPORTED = "IMPORTED", "Imported into Saleor"
    HELD = "HELD", "Held: needs the merchant's attention"
    PENDING = "PENDING", "Pending on Amazon (no prices yet)"
    SKIPPED = "SKIPPED", "Not imported"
    CANCELLED = "CANCELLED", "Cancelled on Amazon"


class AmazonImportedOrder(models.Model):
    """What the plugin knows about one Amazon order: exactly one row per order.

    The unique constraint plus a row lock taken before creating the Saleor order
    is what keeps retries and parallel workers from importing an order twice.
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="imported_orders", on_delete=models.CASCADE
    )
    amazon_order_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    reason = models.TextField(blank=True, default="")
    amazon_status = models.CharField(max_length=32, blank=True, default="")
    fulfilled_by = models.CharField(max_length=16, blank=True, default="")
    amazon_last_updated = models.DateTimeField(null=True, blank=True)
    # The last Order object seen, so held orders retry without asking Amazon.
    payload = models.JSONField(default=dict, blank=True)
    order = models.ForeignKey(
        "order.Order",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    attempts = models.PositiveIntegerField(default=0)
    last_job = models.ForeignKey(
        AmazonOrderImportJob,
        related_name="records",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "amazon_order_id"],
                name="amazon_feeds_imported_order_unique",
            )
        ]
        indexes = [models.Index(fields=["status"], name="amazon_feeds_imp_status")]


class AmazonOrderCursor(models.Model):
    """Per marketplace: searchOrders' lastUpdatedAfter for the next run."""

    marketplace = models.OneToOneField(
        AmazonMarketplace, related_name="order_cursor", on_delete=models.CASCADE
    )
    last_updated_after = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)


class ShipmentStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be sent"
    CONFIRMED = "CONFIRMED", "Confirmed to Amazon"
    FAILED = "FAILED", "Failed"


class AmazonShipmentConfirmation(models.Model):
    """A Saleor fulfillment confirmed to Amazon (v0 confirmShipment)."""

    fulfillment = models.OneToOneField(
        "order.Fulfillment", related_name="+", on_delete=models.CASCADE
    )
    imported_order = models.ForeignKey(
        AmazonImportedOrder, related_name="shipments", on_delete=models.CASCADE
    )
    package_reference_id = models.CharField(max_length=32)
    carrier_code = models.CharField(max_length=64, blank=True, default="")
    carrier_name = models.CharField(max_length=128, blank=True, default="")
    shipping_method = models.CharField(max_length=128, blank=True, default="")
    tracking_number = models.CharField(max_length=255, blank=True, default="")
    items = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("pk",)
