import graphene

from .mutations import (
    AmazonFieldMappingCreate,
    AmazonFieldMappingDelete,
    AmazonFieldMappingUpdate,
    AmazonShippingMappingBulkDelete,
    AmazonShippingMappingCreate,
)


class MappingMutations(graphene.ObjectType):
    amazon_field_mapping_create = AmazonFieldMappingCreate.Field()
    amazon_field_mapping_update = AmazonFieldMappingUpdate.Field()
    amazon_field_mapping_delete = AmazonFieldMappingDelete.Field()
    amazon_shipping_mapping_create = AmazonShippingMappingCreate.Field()
    amazon_shipping_mapping_bulk_delete = AmazonShippingMappingBulkDelete.Field()
