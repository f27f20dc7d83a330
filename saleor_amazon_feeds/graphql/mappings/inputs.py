import graphene

from .enums import AmazonShippingServiceLevel


class AmazonFieldMappingCreateInput(graphene.InputObjectType):
    marketplace_id = graphene.ID(required=True)
    amazon_attribute = graphene.String(required=True, description="e.g. item_name")
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=(
            "Saleor sources in order of preference, e.g. ['metadata:brand', "
            "'attribute:brand', 'literal:Acme']; the first non-empty value wins."
        ),
    )


class AmazonFieldMappingUpdateInput(graphene.InputObjectType):
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The new ordered sources; the first non-empty value wins.",
    )


class AmazonShippingMappingCreateInput(graphene.InputObjectType):
    marketplace_id = graphene.ID(required=True)
    service_level = AmazonShippingServiceLevel(required=True)
    shipping_zone_id = graphene.ID(required=True)
    shipping_method_id = graphene.ID(required=True)
