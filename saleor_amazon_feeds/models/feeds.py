from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from ..listings.kinds import FeedKind, FeedTrigger
from ..listings.severity import Severity
from .accounts import AmazonMarketplace
from .choices import choices_of

FEED_KIND_CHOICES = choices_of(FeedKind)


class SubmissionStatus(models.TextChoices):
    # Built and recorded, nothing sent yet (or waiting for Amazon's feed quota).
    PENDING = "PENDING", "Pending"
    # Document uploaded; createFeed not yet confirmed.
    UPLOADED = "UPLOADED", "Uploaded"
    IN_QUEUE = "IN_QUEUE", "In queue at Amazon"
    IN_PROGRESS = "IN_PROGRESS", "Processing at Amazon"
    DONE = "DONE", "Done"
    FATAL = "FATAL", "Rejected by Amazon"
    CANCELLED = "CANCELLED", "Cancelled"
    ERROR = "ERROR", "Failed"
    EMPTY = "EMPTY", "Nothing to send"


OPEN_STATUSES = (
    SubmissionStatus.PENDING,
    SubmissionStatus.UPLOADED,
    SubmissionStatus.IN_QUEUE,
    SubmissionStatus.IN_PROGRESS,
)


class AmazonFeedSubmission(models.Model):
    """One JSON_LISTINGS_FEED document sent (or to be sent) to Amazon."""

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="feed_submissions", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=16, choices=FEED_KIND_CHOICES)
    trigger = models.CharField(
        max_length=16, choices=choices_of(FeedTrigger), default=FeedTrigger.MANUAL.value
    )
    status = models.CharField(
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
    )
    feed_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    document_id = models.CharField(max_length=256, blank=True, default="")
    result_document_id = models.CharField(max_length=256, blank=True, default="")
    message_count = models.PositiveIntegerField(default=0)
    accepted_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    # messageId -> [sku, message kind, variant id, digest]: ties report issues
    # and acceptance back to variants without keeping the document.
    correlation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("-pk",)
        indexes = [models.Index(fields=["status", "next_check_at"])]


class AmazonFeedIssue(models.Model):
    """A per-SKU issue from Amazon's processing report."""

    submission = models.ForeignKey(
        AmazonFeedSubmission, related_name="issues", on_delete=models.CASCADE
    )
    message_id = models.PositiveIntegerField(null=True, blank=True)
    sku = models.CharField(max_length=64, blank=True, default="", db_index=True)
    variant_id = models.IntegerField(null=True, blank=True)
    code = models.CharField(max_length=64, blank=True, default="")
    severity = models.CharField(max_length=16, choices=choices_of(Severity))
    message = models.TextField()
    attribute = models.CharField(max_length=128, blank=True, default="")
    # What the submission sent for the attributes the issue names (or the
    # offer for quantity and price issues): the merchant reads Amazon's
    # complaint next to the value it is about.
    sent_value = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ("pk",)


class ListingStatus(models.TextChoices):
    PENDING = "PENDING", "Sent, waiting for Amazon"
    ACCEPTED = "ACCEPTED", "Accepted"
    REJECTED = "REJECTED", "Rejected"
    DELETED = "DELETED", "Deleted"


class AmazonListingState(models.Model):
    """What was last sent and last accepted for one SKU, feed kind and marketplace.

    A resubmission compares the newly built message's digest with the accepted
    one, so only what changed since Amazon last accepted it is sent again.
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="listing_states", on_delete=models.CASCADE
    )
    sku = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=FEED_KIND_CHOICES)
    product_id = models.IntegerField(db_index=True)
    variant_id = models.IntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )
    sent_digest = models.CharField(max_length=64, blank=True, default="")
    # Listing summaries carry the attribute values as sent (amounts are
    # Decimals: the encoder writes them as exact strings).
    sent_summary = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_submission = models.ForeignKey(
        AmazonFeedSubmission, null=True, blank=True, on_delete=models.SET_NULL
    )
    accepted_digest = models.CharField(max_length=64, blank=True, default="")
    accepted_summary = models.JSONField(
        default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The quantity and price of the accepted summary as typed columns, for
    # reconciliation to compare in SQL without reading JSON. Generated by
    # PostgreSQL from ``accepted_summary``, so every write of it (a report's
    # acceptance, an urgent PATCH) keeps them exact; anything but a plain
    # number reads as no value rather than failing the write.
    accepted_quantity = models.GeneratedField(
        expression=models.Case(
            models.When(
                accepted_summary__quantity__regex=r"^-?[0-9]{1,9}$",
                then=Cast(KT("accepted_summary__quantity"), models.IntegerField()),
            )
        ),
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )
    accepted_price = models.GeneratedField(
        expression=models.Case(
            models.When(
                accepted_summary__price__regex=r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$",
                then=Cast(
                    KT("accepted_summary__price"),
                    models.DecimalField(max_digits=20, decimal_places=6),
                ),
            )
        ),
        output_field=models.DecimalField(max_digits=20, decimal_places=6, null=True),
        db_persist=True,
    )
    # The message Amazon's report rejected: the same message again would be
    # rejected again, so it is sent only once something in it changed.
    rejected_digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "sku", "kind"],
                name="amazon_feeds_listing_state_unique",
            )
        ]


class AmazonListingLookup(models.Model):
    """What getListingsItem said about a SKU the plugin did not list itself.

    An INVENTORY-scope marketplace sends offers only to SKUs Amazon has; for
    SKUs without an accepted listing of ours, Amazon is asked once and the
    answer kept (see ``catalog.gate``).
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="listing_lookups", on_delete=models.CASCADE
    )
    sku = models.CharField(max_length=64)
    found = models.BooleanField()
    product_type = models.CharField(max_length=128, blank=True, default="")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "sku"],
                name="amazon_feeds_listing_lookup_unique",
            )
        ]


class AmazonListingProblem(models.Model):
    """Why a product or variant was left out of the last feed build."""

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="listing_problems", on_delete=models.CASCADE
    )
    product_id = models.IntegerField(db_index=True)
    variant_id = models.IntegerField(null=True, blank=True)
    sku = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=16, choices=FEED_KIND_CHOICES)
    severity = models.CharField(
        max_length=16, choices=choices_of(Severity), default=Severity.ERROR.value
    )
    reason = models.TextField()
    attribute = models.CharField(max_length=128, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)


class AmazonProductTypeDefinition(models.Model):
    """A product type's JSON schema, cached by Amazon's checksum."""

    marketplace_id = models.CharField(max_length=32)
    product_type = models.CharField(max_length=128)
    requirements = models.CharField(max_length=32, default="LISTING")
    display_name = models.CharField(max_length=256, blank=True, default="")
    version = models.CharField(max_length=128, blank=True, default="")
    checksum = models.CharField(max_length=128)
    schema = models.JSONField()
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace_id", "product_type", "requirements"],
                name="amazon_feeds_product_type_definition_unique",
            )
        ]


class AmazonProductFingerprint(models.Model):
    """What a product's messages were last built from, per marketplace and kinds.

    ``fingerprint`` is a digest computed in SQL over every row the product's
    messages depend on (``catalog.fingerprints``); a later automatic build
    skips the product while it is unchanged. A build writes ``pending`` with
    its ``pending_run`` and promotes it only once its feeds went out, so a
    failed submission never leaves a product marked as sent.
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="product_fingerprints", on_delete=models.CASCADE
    )
    # The feed kinds of the build, sorted and joined with "+".
    kinds = models.CharField(max_length=64)
    product_id = models.IntegerField()
    fingerprint = models.CharField(max_length=32, blank=True, default="")
    pending = models.CharField(max_length=32, blank=True, default="")
    pending_run = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "kinds", "product_id"],
                name="amazon_feeds_product_fingerprint_unique",
            )
        ]


class SliceStatus(models.TextChoices):
    QUEUED = "QUEUED"
    BUILDING = "BUILDING"
    DONE = "DONE"
    FAILED = "FAILED"


class AmazonFeedSlice(models.Model):
    """A range of product ids of one sliced feed build (``catalog.slices``).

    Slices of one build share ``build`` (also the fingerprints' run id); a
    worker claims one (``claim``, ``claimed_at``), builds it and stores its
    messages as ``AmazonFeedSliceChunk`` rows; the submission that planned
    the build assembles them into documents and deletes both.
    """

    build = models.UUIDField(db_index=True)
    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="feed_slices", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=16, choices=FEED_KIND_CHOICES)
    skip_unchanged = models.BooleanField(default=False)
    index = models.PositiveIntegerField()
    # Products with after_product_id < id <= last_product_id; no last: all after.
    after_product_id = models.BigIntegerField()
    last_product_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=SliceStatus.choices, default=SliceStatus.QUEUED
    )
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, default="")
    message_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("build", "index")
        constraints = [
            models.UniqueConstraint(
                fields=["build", "index"], name="amazon_feeds_feed_slice_unique"
            )
        ]


class AmazonFeedSliceChunk(models.Model):
    """The built messages of part of a slice, in build order.

    Keyed by the build and the slice's index, with no foreign key: a worker
    still writing a slice the submission has given up on must neither block
    the slices' deletion nor leave rows behind (``catalog.slices.forget``).
    """

    build = models.UUIDField()
    index = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ("build", "index", "seq")
        constraints = [
            models.UniqueConstraint(
                fields=["build", "index", "seq"],
                name="amazon_feeds_feed_slice_chunk_unique",
            )
        ]
