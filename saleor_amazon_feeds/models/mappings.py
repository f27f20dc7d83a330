from django.db import models

from .accounts import AmazonMarketplace


class AmazonFieldMapping(models.Model):
    """Marketplace-level mapping of one Amazon attribute to ordered Saleor sources.

    Category- and product-level mappings live in Saleor private metadata so they
    travel with the catalog; this table is the marketplace-wide default.
    """

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="field_mappings", on_delete=models.CASCADE
    )
    amazon_attribute = models.CharField(max_length=128)
    # Ordered list of source expressions (see mapping_sources.py); the first
    # non-empty value wins.
    sources = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "amazon_attribute"],
                name="amazon_feeds_field_mapping_unique_attribute",
            )
        ]


class ShippingServiceLevel(models.TextChoices):
    # Amazon's ShipServiceLevelCategory values on orders.
    STANDARD = "Standard"
    EXPEDITED = "Expedited"
    SECOND_DAY = "SecondDay"
    NEXT_DAY = "NextDay"
    SAME_DAY = "SameDay"
    PRIORITY = "Priority"
    SCHEDULED = "Scheduled"
    FREE_ECONOMY = "FreeEconomy"


class AmazonShippingMapping(models.Model):
    """Amazon service level + Saleor shipping zone -> Saleor shipping method."""

    marketplace = models.ForeignKey(
        AmazonMarketplace, related_name="shipping_mappings", on_delete=models.CASCADE
    )
    service_level = models.CharField(
        max_length=32, choices=ShippingServiceLevel.choices
    )
    shipping_zone = models.ForeignKey(
        "shipping.ShippingZone", related_name="+", on_delete=models.CASCADE
    )
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod", related_name="+", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "service_level", "shipping_zone"],
                name="amazon_feeds_shipping_mapping_unique",
            )
        ]
