"""Order import API: start imports, follow jobs, held orders, shipment confirmations."""

import graphene
from django.db.models import Prefetch
from saleor.order.models import Order
from saleor.shipping.models import ShippingMethod, ShippingZone

from ..models import (
    AmazonImportedOrder,
    AmazonMarketplace,
    AmazonOrderImportJob,
    AmazonShipmentConfirmation,
)
from ..models import orders as models
from ..orders.importer import retry_held
from ..orders.tasks import start_import_job
from .context import requestor
from .core import (
    BaseMutation,
    CountableConnection,
    connection_args,
    get_all_by_global_ids,
    get_by_global_id,
    global_id,
    paginate,
    resolve_global_id,
)
from .errors import AmazonFeedsErrorCode, InputError
from .permissions import MANAGE_ORDERS, AmazonObjectType, permission_required
from .types import AmazonMarketplace as AmazonMarketplaceType
from .types import SaleorObjectRef


def _enum(name, choices, description):
    return graphene.Enum(
        name, [(m.name, m.value) for m in choices], description=description
    )


AmazonOrderImportJobStatus = _enum(
    "AmazonOrderImportJobStatus", models.JobStatus, "State of an import job."
)
AmazonOrderImportTrigger = _enum(
    "AmazonOrderImportTrigger", models.JobTrigger, "Who started the job."
)
AmazonImportedOrderStatus = _enum(
    "AmazonImportedOrderStatus",
    models.ImportStatus,
    "IMPORTED into Saleor; HELD with a reason until the merchant fixes it; "
    "PENDING on Amazon; CANCELLED on Amazon; SKIPPED (not importable).",
)
AmazonShipmentStatus = _enum(
    "AmazonShipmentStatus", models.ShipmentStatus, "State of a confirmShipment."
)


class AmazonOrderImportIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    amazon_order_id = graphene.String(required=True)
    status = graphene.String(required=True, description="skipped or held")
    reason = graphene.String(required=True)

    @staticmethod
    def resolve_amazon_order_id(root, info):
        return root.get("amazonOrderId", "")

    @staticmethod
    def resolve_status(root, info):
        return root.get("status", "")

    @staticmethod
    def resolve_reason(root, info):
        return root.get("reason", "")


class AmazonOrderImportError(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    marketplace_id = graphene.String(required=True)
    message = graphene.String(required=True)

    @staticmethod
    def resolve_marketplace_id(root, info):
        return root.get("marketplaceId", "")

    @staticmethod
    def resolve_message(root, info):
        return root.get("message", "")


class AmazonOrderImport(AmazonObjectType):
    """An order import job and its progress (counters move while it runs)."""

    class Meta:
        permissions = (MANAGE_ORDERS,)

    id = graphene.ID(required=True)
    status = AmazonOrderImportJobStatus(required=True)
    trigger = AmazonOrderImportTrigger(required=True)
    requested_by = graphene.String(required=True)
    marketplaces = graphene.List(graphene.NonNull(AmazonMarketplaceType), required=True)
    found = graphene.Int(required=True, description="Orders Amazon returned.")
    imported = graphene.Int(required=True, description="New Saleor orders.")
    updated = graphene.Int(
        required=True, description="Saleor orders changed (cancellations)."
    )
    skipped = graphene.Int(required=True)
    held = graphene.Int(required=True)
    issues = graphene.List(
        graphene.NonNull(AmazonOrderImportIssue),
        required=True,
        description="Skipped and held orders with the reason.",
    )
    errors = graphene.List(graphene.NonNull(AmazonOrderImportError), required=True)
    created_at = graphene.DateTime(required=True)
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonOrderImport", root.pk)

    @staticmethod
    def resolve_marketplaces(root, info):
        return root.marketplaces.select_related("account", "channel")

    @staticmethod
    def resolve_issues(root, info):
        return root.skipped_details

    @staticmethod
    def resolve_errors(root, info):
        return root.errors


class AmazonImportedOrderType(AmazonObjectType):
    id = graphene.ID(required=True)
    amazon_order_id = graphene.String(required=True)
    marketplace = graphene.Field(AmazonMarketplaceType, required=True)
    status = AmazonImportedOrderStatus(required=True)
    reason = graphene.String(required=True)
    amazon_status = graphene.String(required=True)
    fulfilled_by = graphene.String(required=True)
    order_id = graphene.ID(description="The Saleor order's ID (Saleor's API).")
    attempts = graphene.Int(required=True)
    updated_at = graphene.DateTime(required=True)

    class Meta:
        name = "AmazonImportedOrder"
        permissions = (MANAGE_ORDERS,)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonImportedOrder", root.pk)

    @staticmethod
    def resolve_order_id(root, info):
        return global_id("Order", root.order_id) if root.order_id else None


class AmazonShipmentItem(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    order_item_id = graphene.String(required=True)
    quantity = graphene.Int(required=True)

    @staticmethod
    def resolve_order_item_id(root, info):
        return root["orderItemId"]

    @staticmethod
    def resolve_quantity(root, info):
        return root["quantity"]


class AmazonShipmentConfirmationType(AmazonObjectType):
    id = graphene.ID(required=True)
    fulfillment_id = graphene.ID(required=True)
    package_reference_id = graphene.String(required=True)
    carrier_code = graphene.String(required=True)
    carrier_name = graphene.String(required=True)
    tracking_number = graphene.String(required=True)
    items = graphene.List(graphene.NonNull(AmazonShipmentItem), required=True)
    status = AmazonShipmentStatus(required=True)
    attempts = graphene.Int(required=True)
    last_error = graphene.String(required=True)
    confirmed_at = graphene.DateTime()

    class Meta:
        name = "AmazonShipmentConfirmation"
        permissions = (MANAGE_ORDERS,)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonShipmentConfirmation", root.pk)

    @staticmethod
    def resolve_fulfillment_id(root, info):
        return global_id("Fulfillment", root.fulfillment_id)


class AmazonShippingZoneChoice(AmazonObjectType):
    """A Saleor shipping zone of the marketplace's channel and the methods
    priced there: what a shipping mapping may point at."""

    class Meta:
        permissions = (MANAGE_ORDERS,)

    id = graphene.ID(required=True, description="The Saleor shipping zone's ID.")
    name = graphene.String(required=True)
    shipping_methods = graphene.List(graphene.NonNull(SaleorObjectRef), required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("ShippingZone", root.pk)

    @staticmethod
    def resolve_shipping_methods(root, info):
        return [
            SaleorObjectRef(id=global_id("ShippingMethodType", m.pk), name=m.name)
            for m in root.priced_methods
        ]


class AmazonOrderImportConnection(CountableConnection):
    class Meta:
        node = AmazonOrderImport


class AmazonImportedOrderConnection(CountableConnection):
    class Meta:
        node = AmazonImportedOrderType


class OrderQueries(graphene.ObjectType):
    amazon_order_imports = graphene.Field(
        graphene.NonNull(AmazonOrderImportConnection),
        description="Order import jobs with progress and outcome (MANAGE_ORDERS).",
        **connection_args(),
    )
    amazon_order_import = graphene.Field(
        AmazonOrderImport,
        id=graphene.ID(required=True),
        description="One import job (MANAGE_ORDERS).",
    )
    amazon_imported_orders = graphene.Field(
        graphene.NonNull(AmazonImportedOrderConnection),
        status=AmazonImportedOrderStatus(description="Only orders in this status."),
        marketplace_id=graphene.ID(description="Only this marketplace's orders."),
        order_id=graphene.ID(description="Only the record of this Saleor order."),
        description=(
            "Amazon orders the plugin has seen, held ones with the reason "
            "(MANAGE_ORDERS)."
        ),
        **connection_args(),
    )
    amazon_shipping_zones = graphene.List(
        graphene.NonNull(AmazonShippingZoneChoice),
        required=True,
        marketplace_id=graphene.ID(required=True),
        description=(
            "Shipping zones of the marketplace's channel with the methods priced "
            "there, for shipping mappings (MANAGE_ORDERS)."
        ),
    )
    amazon_shipment_confirmations = graphene.List(
        graphene.NonNull(AmazonShipmentConfirmationType),
        required=True,
        order_id=graphene.ID(required=True, description="A Saleor order's ID."),
        description="Shipments of a Saleor order confirmed to Amazon (MANAGE_ORDERS).",
    )

    @staticmethod
    @permission_required(MANAGE_ORDERS)
    def resolve_amazon_order_imports(root, info, first=None, after=None):
        return paginate(
            AmazonOrderImportConnection,
            AmazonOrderImportJob.objects.all(),
            first,
            after,
        )

    @staticmethod
    @permission_required(MANAGE_ORDERS)
    def resolve_amazon_order_import(root, info, id):
        return get_by_global_id(
            AmazonOrderImportJob.objects.all(), id, "AmazonOrderImport", "id"
        )

    @staticmethod
    @permission_required(MANAGE_ORDERS)
    def resolve_amazon_imported_orders(
        root,
        info,
        first=None,
        after=None,
        status=None,
        marketplace_id=None,
        order_id=None,
    ):
        queryset = AmazonImportedOrder.objects.select_related(
            "marketplace__account", "marketplace__channel"
        )
        if status:
            queryset = queryset.filter(status=status)
        if marketplace_id:
            pk = resolve_global_id(
                marketplace_id, "AmazonMarketplace", "marketplaceId", AmazonMarketplace
            )
            queryset = queryset.filter(marketplace_id=pk)
        if order_id:
            pk = resolve_global_id(order_id, "Order", "orderId", Order)
            queryset = queryset.filter(order_id=pk)
        return paginate(AmazonImportedOrderConnection, queryset, first, after)

    @staticmethod
    @permission_required(MANAGE_ORDERS)
    def resolve_amazon_shipping_zones(root, info, marketplace_id):
        marketplace = get_by_global_id(
            AmazonMarketplace.objects.all(),
            marketplace_id,
            "AmazonMarketplace",
            "marketplaceId",
        )
        methods = ShippingMethod.objects.filter(
            channel_listings__channel_id=marketplace.channel_id
        ).order_by("name", "pk")
        return list(
            ShippingZone.objects.filter(channels=marketplace.channel_id)
            .prefetch_related(
                Prefetch("shipping_methods", queryset=methods, to_attr="priced_methods")
            )
            .order_by("name", "pk")
        )

    @staticmethod
    @permission_required(MANAGE_ORDERS)
    def resolve_amazon_shipment_confirmations(root, info, order_id):
        pk = resolve_global_id(order_id, "Order", "orderId", Order)
        return list(
            AmazonShipmentConfirmation.objects.filter(
                imported_order__order_id=pk
            ).order_by("pk")
        )


class AmazonImportOrders(BaseMutation):
    """Start an order import for marketplaces; follow it with amazonOrderImport."""

    class Arguments:
        marketplace_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    order_import = graphene.Field(AmazonOrderImport)

    permissions = (MANAGE_ORDERS,)

    @classmethod
    def perform(cls, root, info, marketplace_ids):
        if not marketplace_ids:
            raise InputError.single(
                "marketplaceIds",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Select at least one marketplace.",
            )
        marketplaces = get_all_by_global_ids(
            AmazonMarketplace.objects.all(),
            marketplace_ids,
            "AmazonMarketplace",
            "marketplaceIds",
        )
        who = requestor(info.context)
        label = getattr(who, "email", None) or getattr(who, "name", "") or ""
        job = start_import_job(marketplaces, requested_by=label)
        return {"order_import": job}


class AmazonImportedOrderRetry(BaseMutation):
    """Retry held orders now; ``skipAddressValidation`` accepts Amazon's address
    as it is when Saleor's address rules reject it."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        skip_address_validation = graphene.Boolean(default_value=False)

    imported_orders = graphene.List(graphene.NonNull(AmazonImportedOrderType))

    permissions = (MANAGE_ORDERS,)

    @classmethod
    def perform(cls, root, info, ids, skip_address_validation=False):
        if not ids:
            raise InputError.single(
                "ids", AmazonFeedsErrorCode.REQUIRED.value, "Select held orders."
            )
        records = get_all_by_global_ids(
            AmazonImportedOrder.objects.all(), ids, "AmazonImportedOrder", "ids"
        )
        not_held = [r.amazon_order_id for r in records if r.status != "HELD"]
        if not_held:
            raise InputError.single(
                "ids",
                AmazonFeedsErrorCode.INVALID.value,
                "Only held orders can be retried: " + ", ".join(not_held),
            )
        retry_held(records, skip_address_validation=skip_address_validation)
        return {
            "imported_orders": list(
                AmazonImportedOrder.objects.filter(
                    pk__in=[r.pk for r in records]
                ).order_by("pk")
            )
        }


class OrderMutations(graphene.ObjectType):
    amazon_import_orders = AmazonImportOrders.Field()
    amazon_imported_order_retry = AmazonImportedOrderRetry.Field()
