import graphene


class AmazonProductTypeChoiceInput(graphene.InputObjectType):
    marketplace_id = graphene.String(
        required=True, description="Amazon marketplace ID, or '*' for all."
    )
    product_type = graphene.String(required=True, description="e.g. SHIRT")


class AmazonAttributeMappingInput(graphene.InputObjectType):
    amazon_attribute = graphene.String(required=True)
    sources = graphene.List(graphene.NonNull(graphene.String), required=True)


class AmazonCatalogOptionsInput(graphene.InputObjectType):
    product_types = graphene.List(
        graphene.NonNull(AmazonProductTypeChoiceInput),
        description="Replaces the product type choices when given.",
    )
    mappings = graphene.List(
        graphene.NonNull(AmazonAttributeMappingInput),
        description="Replaces the mappings at this level when given.",
    )
    exclude = graphene.Boolean(description="Keep it off Amazon.")
