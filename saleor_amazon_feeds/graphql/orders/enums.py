from ...models import orders
from ...orders.jobs import JobState
from ..core.enums import enum_from_choices

AmazonOrderImportJobStatus = enum_from_choices(
    "AmazonOrderImportJobStatus", JobState, "State of an import job."
)
AmazonOrderImportTrigger = enum_from_choices(
    "AmazonOrderImportTrigger", orders.JobTrigger, "Who started the job."
)
AmazonImportedOrderStatus = enum_from_choices(
    "AmazonImportedOrderStatus",
    orders.ImportStatus,
    "IMPORTED into Saleor; HELD with a reason until the merchant fixes it; "
    "PENDING on Amazon; CANCELLED on Amazon; SKIPPED (not importable).",
)
AmazonShipmentStatus = enum_from_choices(
    "AmazonShipmentStatus", orders.ShipmentStatus, "State of a confirmShipment."
)
