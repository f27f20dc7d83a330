from django.db import models
from django.utils import timezone

from .. import secrets
from ..amazon.marketplaces import Region
from ..listings.kinds import SyncScope
from .choices import choices_of


class Environment(models.TextChoices):
    PRODUCTION = "PRODUCTION", "Amazon (production)"
    AMAZON_SANDBOX = "AMAZON_SANDBOX", "Amazon's SP-API sandbox"
    # The base URL is a deployment setting, never an API field: letting API users
    # point an account at any host would let them send its secrets there.
    LOCAL_SANDBOX = "LOCAL_SANDBOX", "Bundled local sandbox"


class AmazonAccount(models.Model):
    """One Amazon seller account (LWA application authorisation) in one region."""

    name = models.CharField(max_length=250)
    seller_id = models.CharField(max_length=32)
    region = models.CharField(max_length=2, choices=choices_of(Region))
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    lwa_client_id = models.CharField(max_length=256)
    # Ciphertext only (see secrets.py); the plaintext never reaches the database.
    lwa_client_secret_encrypted = models.TextField()
    refresh_token_encrypted = models.TextField()
    # Last answer of getMarketplaceParticipations: that operation's quota is tiny
    # (one call a minute), so repeated checks reuse a recent answer.
    participations = models.JSONField(default=list, blank=True)
    participations_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["seller_id", "region", "environment"],
                name="amazon_feeds_account_unique_seller",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.seller_id}, {self.region})"

    def __repr__(self) -> str:
        return f"<AmazonAccount pk={self.pk} seller_id={self.seller_id!r}>"

    @property
    def lwa_client_secret(self) -> str:
        return secrets.decrypt(self.lwa_client_secret_encrypted)

    @lwa_client_secret.setter
    def lwa_client_secret(self, value: str) -> None:
        self.lwa_client_secret_encrypted = secrets.encrypt(value)

    @property
    def refresh_token(self) -> str:
        return secrets.decrypt(self.refresh_token_encrypted)

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = secrets.encrypt(value)


class MarketplaceStatus(models.TextChoices):
    NEW = "NEW", "New"
    CONFIGURED = "CONFIGURED", "Configured"
    ERROR = "ERROR", "Error"


class AmazonMarketplace(models.Model):
    """An Amazon marketplace the account sells on, linked to a Saleor channel."""

    account = models.ForeignKey(
        AmazonAccount, related_name="marketplaces", on_delete=models.CASCADE
    )
    marketplace_id = models.CharField(max_length=32)
    country = models.CharField(max_length=2)
    currency = models.CharField(max_length=3)
    channel = models.ForeignKey(
        "channel.Channel", related_name="+", on_delete=models.PROTECT
    )
    warehouses = models.ManyToManyField("warehouse.Warehouse", related_name="+")
    stock_buffer = models.PositiveIntegerField(default=0)
    max_quantity = models.PositiveIntegerField(null=True, blank=True)
    # Saleor sells a variant without tracked inventory without limit, but Amazon
    # needs a number: offer this many (never more than max_quantity).
    untracked_quantity = models.PositiveIntegerField(default=100)
    handling_time = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=MarketplaceStatus.choices, default=MarketplaceStatus.NEW
    )
    last_error = models.TextField(blank=True, default="")
    checked_at = models.DateTimeField(null=True, blank=True)
    auto_sync = models.BooleanField(default=True)
    sync_scope = models.CharField(
        max_length=16, choices=choices_of(SyncScope), default=SyncScope.ALL.value
    )
    # Off until someone holding MANAGE_ORDERS switches it on: importing orders
    # creates Saleor orders and reserves stock, an order-side effect.
    auto_import_orders = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["account", "marketplace_id"],
                name="amazon_feeds_marketplace_unique_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.marketplace_id} ({self.country})"
