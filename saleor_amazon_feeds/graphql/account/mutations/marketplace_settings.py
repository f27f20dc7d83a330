"""Settings shared by creating and updating a marketplace, checked and applied."""

from saleor.channel.models import Channel
from saleor.warehouse.models import Warehouse

from ....models import AmazonMarketplace
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import ErrorCollector, InputError
from ...core.ids import get_by_global_id, resolve_global_ids
from ...core.permissions import check_permissions
from ..inputs import SWITCH_AUTO_IMPORT_ORDERS

INVALID = AmazonFeedsErrorCode.INVALID.value
MAX_HANDLING_DAYS = 30
MAX_STOCK_NUMBER = 1_000_000


def apply_settings(
    info, marketplace: AmazonMarketplace, data: dict, errors: ErrorCollector
) -> list[Warehouse] | None:
    """Validate and copy the shared settings; return warehouses to link, if given."""
    wanted = data.get("auto_import_orders")
    if wanted is not None and wanted != marketplace.auto_import_orders:
        # The effect, not the argument, needs the permission: sending the
        # current value back is no change.
        check_permissions(info, SWITCH_AUTO_IMPORT_ORDERS)
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
    return _warehouses(marketplace, data["warehouse_ids"], errors)


def _warehouses(
    marketplace: AmazonMarketplace, warehouse_ids: list[str], errors: ErrorCollector
) -> list[Warehouse] | None:
    ids = []
    try:
        ids = resolve_global_ids(warehouse_ids, "Warehouse", "warehouseIds", Warehouse)
    except InputError as exc:
        errors.extend(exc)
    if not warehouse_ids:
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
