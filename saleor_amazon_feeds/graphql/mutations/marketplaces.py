"""Marketplaces: add, change, re-check, delete (MANAGE_CHANNELS)."""

import graphene
from django.db import IntegrityError, transaction
from saleor.channel.models import Channel
from saleor.warehouse.models import Warehouse

from ...amazon.identifiers import marketplace_id_problem
from ...amazon.marketplaces import UnknownMarketplaceError, get_marketplace
from ...models import accounts as models
from ...services import marketplaces as services
from ..core import BaseMutation, get_by_global_id, resolve_global_ids
from ..errors import AmazonFeedsErrorCode, ErrorCollector, InputError
from ..permissions import MANAGE_CHANNELS, MANAGE_ORDERS, check_permissions
from ..types import AmazonMarketplace, AmazonSyncScope

INVALID = AmazonFeedsErrorCode.INVALID.value
MAX_HANDLING_DAYS = 30
MAX_STOCK_NUMBER = 1_000_000


class AmazonMarketplaceInput(graphene.InputObjectType):
    channel_id = graphene.ID(description="Saleor channel: currency and prices.")
    warehouse_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Saleor warehouses whose stock this marketplace sells.",
    )
    stock_buffer = graphene.Int(description="Units held back from Amazon.")
    max_quantity = graphene.Int(description="Never offer more than this many units.")
    untracked_quantity = graphene.Int(
        description=(
            "Units offered for variants whose inventory Saleor does not track "
            "(default 100; never more than maxQuantity)."
        )
    )
    handling_time = graphene.Int(description="Days to ship (1-30).")
    auto_sync = graphene.Boolean(description="Sync product updates automatically.")
    sync_scope = AmazonSyncScope()
    auto_import_orders = graphene.Boolean(
        description=(
            "Import orders automatically (default off; changing it requires "
            "MANAGE_ORDERS)."
        )
    )


class AmazonMarketplaceCreateInput(AmazonMarketplaceInput):
    account_id = graphene.ID(required=True)
    marketplace_id = graphene.String(
        required=True, description="Amazon marketplace ID, e.g. A1PA6795UKMFR9."
    )


def _apply_settings(
    info, marketplace: models.AmazonMarketplace, data: dict, errors: ErrorCollector
) -> list[Warehouse] | None:
    """Validate and copy the shared settings; return warehouses to link, if given."""
    wanted = data.get("auto_import_orders")
    if wanted is not None and wanted != marketplace.auto_import_orders:
        # Importing creates Saleor orders and reserves stock: the effect, not
        # the argument, is an order-side permission.
        check_permissions(info, [MANAGE_ORDERS])
        marketplace.auto_import_orders = wanted
    if data.get("channel_id") is not None:
        try:
            channel = get_by_global_id(
                Channel.objects.all(), data["channel_id"], "Channel", "channelId"
            )
        except InputError as exc:
            errors.extend(exc)
        else:
            if channel.currency_code != marketplace.currency:
                errors.add(
                    "channelId",
                    AmazonFeedsErrorCode.CURRENCY_MISMATCH.value,
                    f"Channel '{channel.slug}' sells in {channel.currency_code} but "
                    f"marketplace {marketplace.marketplace_id} sells in "
                    f"{marketplace.currency}.",
                )
            else:
                marketplace.channel = channel
    for field, graphql_field, low, high in (
        ("stock_buffer", "stockBuffer", 0, MAX_STOCK_NUMBER),
        ("max_quantity", "maxQuantity", 0, MAX_STOCK_NUMBER),
        ("untracked_quantity", "untrackedQuantity", 0, MAX_STOCK_NUMBER),
        ("handling_time", "handlingTime", 1, MAX_HANDLING_DAYS),
    ):
        if field not in data:
            continue
        value = data[field]
        if value is None and field in ("max_quantity", "handling_time"):
            setattr(marketplace, field, None)
        elif value is None or not low <= value <= high:
            errors.add(graphql_field, INVALID, f"Must be between {low} and {high}.")
        else:
            setattr(marketplace, field, value)
    for field in ("auto_sync", "sync_scope"):
        if data.get(field) is not None:
            setattr(marketplace, field, data[field])

    if data.get("warehouse_ids") is None:
        return None
    ids = []
    try:
        ids = resolve_global_ids(
            data["warehouse_ids"], "Warehouse", "warehouseIds", Warehouse
        )
    except InputError as exc:
        errors.extend(exc)
    if not data["warehouse_ids"]:
        errors.add(
            "warehouseIds",
            AmazonFeedsErrorCode.REQUIRED.value,
            "Pick at least one warehouse.",
        )
    if errors.errors or not ids:
        return None
    warehouses = list(Warehouse.objects.filter(pk__in=ids))
    if len(warehouses) != len(set(ids)):
        errors.add(
            "warehouseIds", AmazonFeedsErrorCode.NOT_FOUND.value, "Unknown warehouse."
        )
        return None
    channel = getattr(marketplace, "channel", None) if marketplace.channel_id else None
    if channel is not None:
        linked = set(
            Warehouse.objects.filter(pk__in=ids, channels=channel).values_list(
                "pk", flat=True
            )
        )
        outside = [w.name for w in warehouses if w.pk not in linked]
        if outside:
            errors.add(
                "warehouseIds",
                AmazonFeedsErrorCode.WAREHOUSE_NOT_IN_CHANNEL.value,
                f"Warehouse(s) {', '.join(outside)} are not assigned to channel "
                f"'{channel.slug}'.",
            )
    return warehouses


class AmazonMarketplaceCreate(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        input = AmazonMarketplaceCreateInput(required=True)

    class Meta:
        description = (
            "Add an Amazon marketplace to an account. Its credentials are checked "
            "against Amazon: CONFIGURED on success, ERROR with Amazon's reason "
            "otherwise (requires MANAGE_CHANNELS)."
        )

    @classmethod
    def perform(cls, root, info, input):
        data = dict(input)
        errors = ErrorCollector()
        account = get_by_global_id(
            models.AmazonAccount.objects.all(),
            data["account_id"],
            "AmazonAccount",
            "accountId",
        )
        marketplace_id = (data.get("marketplace_id") or "").strip()
        try:
            if marketplace_id_problem(marketplace_id):
                raise UnknownMarketplaceError(marketplace_id)
            known = get_marketplace(marketplace_id)
        except UnknownMarketplaceError as exc:
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.UNKNOWN_MARKETPLACE.value,
                "Not an Amazon marketplace ID (e.g. A1PA6795UKMFR9 for Amazon.de).",
            ) from exc
        if known.region.value != account.region:
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.REGION_MISMATCH.value,
                f"Marketplace {marketplace_id} ({known.country_code}) is in region "
                f"{known.region.value}, the account in {account.region}.",
            )
        if account.marketplaces.filter(marketplace_id=marketplace_id).exists():
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"Marketplace {marketplace_id} is already set up for this account.",
            )
        marketplace = models.AmazonMarketplace(
            account=account,
            marketplace_id=marketplace_id,
            country=known.country_code,
            currency=known.currency,
        )
        if data.get("channel_id") is None:
            errors.add(
                "channelId",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Link the marketplace to a Saleor channel.",
            )
        if data.get("warehouse_ids") is None:
            errors.add(
                "warehouseIds",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Pick at least one warehouse.",
            )
        warehouses = _apply_settings(info, marketplace, data, errors)
        errors.raise_if_any()

        participations, error = services.check_credentials(account)
        if error is None and not (
            services.find_participation(participations, marketplace_id) or {}
        ).get("isParticipating"):
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.NOT_PARTICIPATING.value,
                services.not_participating_message(account, marketplace_id),
            )
        services.apply_check_result(marketplace, participations, error)
        try:
            with transaction.atomic():
                marketplace.save()
                marketplace.warehouses.set(warehouses)
        except IntegrityError as exc:
            raise InputError.single(
                "marketplaceId",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"Marketplace {marketplace_id} is already set up for this account.",
            ) from exc
        return {"marketplace": marketplace}


class AmazonMarketplaceUpdate(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        id = graphene.ID(required=True)
        input = AmazonMarketplaceInput(required=True)

    class Meta:
        description = (
            "Change a marketplace's channel, warehouses or options; re-verifies it "
            "with Amazon (requires MANAGE_CHANNELS)."
        )

    @classmethod
    def perform(cls, root, info, id, input):
        marketplace = get_by_global_id(
            models.AmazonMarketplace.objects.select_related("account", "channel"),
            id,
            "AmazonMarketplace",
            "id",
        )
        data = dict(input)
        errors = ErrorCollector()
        warehouses = _apply_settings(info, marketplace, data, errors)
        errors.raise_if_any()
        participations, error = services.check_credentials(marketplace.account)
        services.apply_check_result(marketplace, participations, error)
        with transaction.atomic():
            marketplace.save()
            if warehouses is not None:
                marketplace.warehouses.set(warehouses)
        return {"marketplace": marketplace}


class AmazonMarketplaceCheck(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Re-verify the marketplace's credentials with Amazon now."

    @classmethod
    def perform(cls, root, info, id):
        marketplace = get_by_global_id(
            models.AmazonMarketplace.objects.select_related("account"),
            id,
            "AmazonMarketplace",
            "id",
        )
        services.verify_marketplace(marketplace)
        return {"marketplace": marketplace}


class AmazonMarketplaceDelete(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)
    permissions = (MANAGE_CHANNELS,)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Stop selling on this marketplace (requires MANAGE_CHANNELS)."

    @classmethod
    def perform(cls, root, info, id):
        marketplace = get_by_global_id(
            models.AmazonMarketplace.objects.select_related("account", "channel"),
            id,
            "AmazonMarketplace",
            "id",
        )
        pk = marketplace.pk
        marketplace.delete()
        marketplace.pk = pk
        return {"marketplace": marketplace}
