"""Stock reservation for imported merchant-fulfilled orders.

Saleor 3.23's ``orderBulkCreate`` creates no allocations for unfulfilled lines,
so the plugin reserves the stock of each new order itself, in the
marketplace's warehouses (the stock it offers on Amazon), in two steps:

1. **Saleor's allocation.** What those warehouses have is allocated with
   Saleor's own ``allocate_stocks``, as for any Saleor order: its row locks,
   the channel's allocation strategy (which warehouse first) and its stock
   events (``PRODUCT_VARIANT_OUT_OF_STOCK`` when a stock runs out). Usually
   one call covers the whole order; only when Saleor refuses a line
   (``InsufficientStock``) is its available quantity worked out and allocated.
2. **Oversell.** Amazon may have sold more than Saleor has: the buyer has
   paid, so the sale cannot be refused, while Saleor's allocation refuses
   rather than oversell. The units beyond Saleor's stock are reserved anyway,
   explicitly, on the line's first stock in those warehouses, making its
   availability negative so the shop never sells them a second time, and the
   caller reports them on the import record.

Nothing here ever fails an import because Saleor's stock is short. A batch's
orders come through :mod:`.reservation`, which reserves them here one by one
unless a single Saleor call is certain to give the same allocations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db.models import F
from saleor.app.models import App
from saleor.channel.models import Channel
from saleor.order.models import OrderLine
from saleor.site.models import SiteSettings
from saleor.warehouse.models import Allocation, Stock

from ..models import AmazonMarketplace
from ..saleor_compat import (
    InsufficientStock,
    OrderLineInfo,
    allocate_stocks,
    get_order_lines_with_track_inventory,
    stock_qs_select_for_update,
)


def site_settings() -> SiteSettings:
    """Saleor's site settings, which its allocation needs.

    Through the connection the import writes with, not get_current()'s
    replica alias: no extra connection per worker, and no dependence on a
    replica being configured wherever imports run (test threads have none).
    """
    return SiteSettings.objects.get(site_id=settings.SITE_ID)


def marketplace_warehouse_ids(marketplace: AmazonMarketplace) -> list[UUID]:
    return list(marketplace.warehouses.order_by("pk").values_list("pk", flat=True))


def allocate_order(
    marketplace: AmazonMarketplace,
    quantities: Mapping[UUID, int],
    country_code: str = "",
    requestor: App | None = None,
    *,
    lines: Sequence[OrderLine],
    site: SiteSettings | None = None,
    warehouse_ids: list[UUID] | None = None,
) -> list[str]:
    """Reserve ``quantities`` ({order line pk: units}) of one order; returns
    shortfall notes.

    Runs inside the caller's transaction. ``lines``: the order's lines with
    their variants, in pk order.
    """
    lines = [
        line
        for line in lines
        if line.variant_id
        and line.variant.track_inventory
        and quantities.get(line.pk, 0) > 0
    ]
    if not lines:
        return []
    allocator = _SaleorAllocation(
        marketplace.channel,
        marketplace_warehouse_ids(marketplace)
        if warehouse_ids is None
        else warehouse_ids,
        country_code,
        requestor,
        site or site_settings(),
    )
    covered = allocator.allocate({line: quantities[line.pk] for line in lines})
    short = [line for line in lines if line.pk not in covered]
    if not short:
        return []
    # Saleor refused these lines (or leaves them to preorder allocation):
    # allocate what is available, then oversell the rest.
    plans = _plan(short, quantities, allocator.warehouse_ids)
    given = allocator.allocate({p.line: p.in_stock for p in plans if p.in_stock})
    _oversell(plans, given)
    notes = []
    for plan in plans:
        if not plan.stocks:
            notes.append(
                f"{plan.line.product_sku}: no stock record in the marketplace's "
                f"warehouses, {plan.need} unit(s) not reserved"
            )
        elif plan.beyond_stock:
            notes.append(
                f"{plan.line.product_sku}: {plan.beyond_stock} unit(s) more than "
                "available stock, reserved anyway"
            )
    return notes


@dataclass
class _SaleorAllocation:
    """Step 1: Saleor's ``allocate_stocks`` with the plugin's options.

    Stocks of the channel's warehouses narrowed to the marketplace's (not
    Saleor's shipping-zone rules: those warehouses are what the plugin offers
    on Amazon, wherever the buyer lives), and no check of checkout
    reservations (Amazon's sale is complete and paid; a checkout's temporary
    hold does not outrank it, just as the units the plugin offered Amazon did
    not exclude it).
    """

    channel: Channel
    warehouse_ids: list[UUID]
    country_code: str
    requestor: App | None
    site: SiteSettings

    def allocate(self, wanted: Mapping[OrderLine, int]) -> dict[UUID, int]:
        """Allocate ``wanted`` units per line where Saleor agrees; returns
        {line pk: units} of the lines it allocated in full. A line Saleor
        refuses gets nothing (and the variant's later lines are not tried,
        so earlier lines keep the first claim on its stock)."""
        pending = [
            OrderLineInfo(line=line, quantity=units, variant=line.variant)
            for line, units in wanted.items()
        ]
        covered: dict[UUID, int] = {}
        refused_variants: set[int] = set()
        while pending:
            batch, pending = one_per_variant(pending)
            batch = [i for i in batch if i.line.variant_id not in refused_variants]
            # allocate_stocks leaves preorder lines to allocate_preorders.
            handled = {i.line.pk for i in get_order_lines_with_track_inventory(batch)}
            batch = [i for i in batch if i.line.pk in handled]
            while batch:
                try:
                    allocate_stocks(
                        batch,
                        self.country_code,
                        self.channel,
                        self.site,
                        self.requestor,
                        calculate_stocks_with_shipping_zones=False,
                        additional_filter_lookup={
                            "warehouse_id__in": self.warehouse_ids
                        },
                        check_reservations=False,
                    )
                except InsufficientStock as exc:
                    # It ran in its own savepoint: nothing of it was kept.
                    refused = {i.order_line.pk for i in exc.items if i.order_line}
                    if not refused & {i.line.pk for i in batch}:
                        break
                    refused_variants |= {
                        i.line.variant_id for i in batch if i.line.pk in refused
                    }
                    batch = [i for i in batch if i.line.pk not in refused]
                    continue
                covered.update((i.line.pk, i.quantity) for i in batch)
                break
        return covered


def one_per_variant(
    infos: list[OrderLineInfo],
) -> tuple[list[OrderLineInfo], list[OrderLineInfo]]:
    """The first line of each variant, and the rest: one allocate_stocks call
    does not count a line's allocation against the next line's stock."""
    batch: list[OrderLineInfo] = []
    rest: list[OrderLineInfo] = []
    seen: set[int] = set()
    for info in infos:
        if info.line.variant_id in seen:
            rest.append(info)
        else:
            seen.add(info.line.variant_id)
            batch.append(info)
    return batch, rest


@dataclass
class _LinePlan:
    line: OrderLine
    need: int  # units to reserve
    in_stock: int  # of those, what the marketplace's warehouses have available
    stocks: list[Stock]  # the variant's stocks there, in warehouse order

    @property
    def beyond_stock(self) -> int:
        return self.need - self.in_stock


def _plan(
    lines: Sequence[OrderLine],
    quantities: Mapping[UUID, int],
    warehouse_ids: list[UUID],
) -> list[_LinePlan]:
    """Lock the lines' stocks in the marketplace's warehouses and split each
    line's units into what they have available and what is beyond it.

    The locks (Saleor's, in primary-key order like its own allocation's) are
    held until the caller commits: nobody else can take the units between
    Saleor's allocation and the oversell.
    """
    rank = {pk: n for n, pk in enumerate(warehouse_ids)}
    stocks = (
        stock_qs_select_for_update()
        .filter(
            product_variant_id__in={line.variant_id for line in lines},
            warehouse_id__in=warehouse_ids,
        )
        .annotate_available_quantity()
    )
    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for stock in sorted(stocks, key=lambda s: (rank[s.warehouse_id], s.pk)):
        by_variant[stock.product_variant_id].append(stock)
    # Availability as Saleor's allocation counts it (quantity minus the sum of
    # allocations; a stock already oversold offers nothing), shared by the
    # variant's lines in line order.
    available = {
        variant_id: sum(max(s.available_quantity, 0) for s in variant_stocks)
        for variant_id, variant_stocks in by_variant.items()
    }
    plans = []
    for line in lines:
        need = quantities[line.pk]
        in_stock = min(need, available.get(line.variant_id, 0))
        if in_stock:
            available[line.variant_id] -= in_stock
        plans.append(
            _LinePlan(line, need, in_stock, by_variant.get(line.variant_id, []))
        )
    return plans


def _oversell(plans: Sequence[_LinePlan], given: Mapping[UUID, int]) -> None:
    """Step 2: reserve whatever Saleor's allocation did not ``give``, even
    beyond the stock, on the line's first stock in the marketplace's
    warehouses (added to the line's allocation there if it has one: Saleor
    keeps one row per line and stock)."""
    added: dict[int, int] = defaultdict(int)
    for plan in plans:
        rest = plan.need - given.get(plan.line.pk, 0)
        if rest <= 0 or not plan.stocks:
            continue
        stock = plan.stocks[0]
        updated = Allocation.objects.filter(order_line=plan.line, stock=stock).update(
            quantity_allocated=F("quantity_allocated") + rest
        )
        if not updated:
            Allocation.objects.create(
                order_line=plan.line, stock=stock, quantity_allocated=rest
            )
        added[stock.pk] += rest
    for stock_pk, quantity in added.items():
        Stock.objects.filter(pk=stock_pk).update(
            quantity_allocated=F("quantity_allocated") + quantity
        )
