"""The mapping mutations, one per module: field mappings (Amazon attribute
from Saleor sources) and shipping mappings (service level to method)."""

from .field_mapping_create import AmazonFieldMappingCreate
from .field_mapping_delete import AmazonFieldMappingDelete
from .field_mapping_update import AmazonFieldMappingUpdate
from .shipping_mapping_bulk_delete import AmazonShippingMappingBulkDelete
from .shipping_mapping_create import AmazonShippingMappingCreate

__all__ = [
    "AmazonFieldMappingCreate",
    "AmazonFieldMappingDelete",
    "AmazonFieldMappingUpdate",
    "AmazonShippingMappingBulkDelete",
    "AmazonShippingMappingCreate",
]
