"""Catalog export API: options in metadata, product types, feeds and listings."""

import graphene
from django.db import transaction
from saleor.graphql.meta.mutations.utils import update_private_metadata
from saleor.product.models import Category, Product

from ..amazon.identifiers import normalize_product_type, product_type_problem
from ..amazon.marketplaces import UnknownMarketplaceError, get_marketplace
from ..catalog import product_types
from ..catalog.submission import scope_refusal
from ..catalog.types import FeedKind
from ..mapping.amazon_attributes import attribute_problem
from ..mapping.options import (
    ANY_MARKETPLACE,
    AmazonOptions,
    marketplace_key_problem,
    options_from_metadata,
    serialize_options,
)
from ..models import AmazonFeedIssue as FeedIssueModel
from ..models import (
    AmazonFeedSubmission,
    AmazonListingProblem,
    AmazonListingState,
    AmazonMarketplace,
)
from ..services.amazon_clients import client_for
from ..services.product_type_check import product_type_problems
from .core import (
    BaseMutation,
    CountableConnection,
    connection_args,
    get_by_global_id,
    global_id,
    paginate,
)
from .errors import AmazonFeedsErrorCode, ErrorCollector, InputError
from .mutations.mappings import validate_sources
from .permissions import MANAGE_PRODUCTS, AmazonObjectType, permission_required
from .types import AmazonMarketplace as AmazonMarketplaceType

AmazonFeedKind = graphene.Enum(
    "AmazonFeedKind",
    [(k.value, k.value) for k in FeedKind],
    description="Which feed: full listings, inventory, prices or deletions.",
)


def _marketplace(value: str, field: str = "marketplaceId") -> AmazonMarketplace:
    return get_by_global_id(
        AmazonMarketplace.objects.select_related("account", "channel"),
        value,
        "AmazonMarketplace",
        field,
    )


# -- options stored in Saleor private metadata -----------------------------------


class AmazonProductTypeChoice(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    marketplace_id = graphene.String(
        required=True, description="Amazon marketplace ID, or '*' for all."
    )
    product_type = graphene.String(required=True)


class AmazonAttributeMapping(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    amazon_attribute = graphene.String(required=True)
    sources = graphene.List(graphene.NonNull(graphene.String), required=True)


class AmazonOptionsIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    field = graphene.String(required=True)
    message = graphene.String(required=True)


class AmazonCatalogOptions(AmazonObjectType):
    """Amazon options of a category or product (stored in its private metadata)."""

    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    product_types = graphene.List(
        graphene.NonNull(AmazonProductTypeChoice), required=True
    )
    mappings = graphene.List(graphene.NonNull(AmazonAttributeMapping), required=True)
    exclude = graphene.Boolean(required=True)
    issues = graphene.List(
        graphene.NonNull(AmazonOptionsIssue),
        required=True,
        description="Problems with what another client wrote into the metadata.",
    )

    @staticmethod
    def from_metadata(private_metadata) -> "AmazonCatalogOptions":
        options, issues = options_from_metadata(private_metadata)
        return AmazonCatalogOptions(
            product_types=[
                AmazonProductTypeChoice(marketplace_id=k, product_type=v)
                for k, v in sorted(options.product_type.items())
            ],
            mappings=[
                AmazonAttributeMapping(amazon_attribute=k, sources=list(v))
                for k, v in sorted(options.mappings.items())
            ],
            exclude=options.exclude,
            issues=[
                AmazonOptionsIssue(field=i.field, message=i.message) for i in issues
            ],
        )


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


def _validated_options(current: AmazonOptions, data: dict) -> AmazonOptions:
    """The new options, checked with the rules the reader applies
    (``mapping.options``), plus what only a writer can check: the marketplace
    is real and Amazon offers the product type there."""
    errors = ErrorCollector()
    product_type = dict(current.product_type)
    if data.get("product_types") is not None:
        product_type = {}
        fields = {}
        for index, choice in enumerate(data["product_types"]):
            field = f"productTypes[{index}]"
            market = choice["marketplace_id"].strip()
            name = normalize_product_type(choice["product_type"])
            problem = marketplace_key_problem(market)
            if problem is None and market != ANY_MARKETPLACE:
                try:
                    get_marketplace(market)
                except UnknownMarketplaceError:
                    problem = "Not an Amazon marketplace ID (or '*')."
            if problem:
                errors.add(
                    f"{field}.marketplaceId",
                    AmazonFeedsErrorCode.UNKNOWN_MARKETPLACE.value,
                    problem,
                )
                continue
            problem = product_type_problem(name)
            if problem:
                errors.add(
                    f"{field}.productType", AmazonFeedsErrorCode.INVALID.value, problem
                )
                continue
            if market in product_type:
                errors.add(
                    f"{field}.marketplaceId",
                    AmazonFeedsErrorCode.UNIQUE.value,
                    "This marketplace has a product type already in this list.",
                )
                continue
            product_type[market] = name
            fields[market] = f"{field}.productType"
        errors.raise_if_any()
        for market, problem in product_type_problems(product_type).items():
            errors.add(
                fields[market], AmazonFeedsErrorCode.UNKNOWN_PRODUCT_TYPE.value, problem
            )
    mappings = dict(current.mappings)
    if data.get("mappings") is not None:
        mappings = {}
        for index, mapping in enumerate(data["mappings"]):
            attribute = mapping["amazon_attribute"].strip()
            problem = attribute_problem(attribute)
            if problem:
                errors.add(
                    f"mappings[{index}].amazonAttribute",
                    AmazonFeedsErrorCode.UNKNOWN_ATTRIBUTE.value,
                    problem,
                )
                continue
            if attribute in mappings:
                errors.add(
                    f"mappings[{index}].amazonAttribute",
                    AmazonFeedsErrorCode.UNIQUE.value,
                    f"'{attribute}' is mapped twice.",
                )
                continue
            try:
                mappings[attribute] = tuple(
                    validate_sources(mapping["sources"], f"mappings[{index}].sources")
                )
            except InputError as exc:
                errors.extend(exc)
    errors.raise_if_any()
    exclude = current.exclude if data.get("exclude") is None else data["exclude"]
    return AmazonOptions(product_type=product_type, mappings=mappings, exclude=exclude)


def _update_options(instance, data: dict) -> None:
    current, _ = options_from_metadata(instance.private_metadata)
    options = _validated_options(current, data)
    # Saleor's own atomic JSONB merge: other metadata keys written concurrently
    # by other clients survive.
    update_private_metadata(instance, serialize_options(options))


class _OptionsUpdate(BaseMutation):
    """Shared by the category and product variants: same options, other model."""

    options = graphene.Field(AmazonCatalogOptions)
    permissions = (MANAGE_PRODUCTS,)
    model: type = Category
    type_name = ""
    id_argument = ""

    class Meta:
        abstract = True

    @classmethod
    def perform(cls, root, info, input, **ids):
        ((argument, value),) = ids.items()
        instance = get_by_global_id(
            cls.model.objects.all(), value, cls.type_name, cls.id_argument
        )
        _update_options(instance, dict(input))
        # Saleor fires no hook for this metadata write; exclusion or another
        # product type must still reach Amazon (DELETE or a new listing).
        from ..sync import hooks as sync_hooks

        if cls.model is Product:
            sync_hooks.product_changed(instance)
        else:
            sync_hooks.category_changed(instance)
        return {
            "options": AmazonCatalogOptions.from_metadata(instance.private_metadata)
        }


class AmazonCategoryOptionsUpdate(_OptionsUpdate):
    model = Category
    type_name = "Category"
    id_argument = "categoryId"

    class Arguments:
        category_id = graphene.ID(required=True)
        input = AmazonCatalogOptionsInput(required=True)

    class Meta:
        description = (
            "Amazon product type, mappings and exclusion for a category's products "
            "(MANAGE_PRODUCTS)."
        )


class AmazonProductOptionsUpdate(_OptionsUpdate):
    model = Product
    type_name = "Product"
    id_argument = "productId"

    class Arguments:
        product_id = graphene.ID(required=True)
        input = AmazonCatalogOptionsInput(required=True)

    class Meta:
        description = (
            "Amazon product type, mappings and exclusion for one product; they win "
            "over its category's (MANAGE_PRODUCTS)."
        )


# -- product types --------------------------------------------------------------


class AmazonProductType(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    name = graphene.String(required=True)
    display_name = graphene.String(required=True)


# -- feeds ----------------------------------------------------------------------


class AmazonFeedIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    sku = graphene.String(required=True)
    message_id = graphene.Int()
    code = graphene.String(required=True)
    severity = graphene.String(required=True)
    message = graphene.String(required=True)
    attribute = graphene.String(required=True)
    sent_value = graphene.JSONString(
        description=(
            "What was sent for the attributes the issue names (or the offer's "
            "quantity and price); null when unknown."
        )
    )


class AmazonFeedSubmissionType(AmazonObjectType):
    class Meta:
        name = "AmazonFeedSubmission"
        permissions = (MANAGE_PRODUCTS,)

    id = graphene.ID(required=True)
    marketplace = graphene.Field(AmazonMarketplaceType, required=True)
    kind = AmazonFeedKind(required=True)
    trigger = graphene.String(required=True)
    status = graphene.String(required=True)
    feed_id = graphene.String(required=True, description="Amazon's feed ID.")
    message_count = graphene.Int(required=True)
    accepted_count = graphene.Int(required=True)
    invalid_count = graphene.Int(required=True)
    error_count = graphene.Int(required=True)
    warning_count = graphene.Int(required=True)
    skipped_count = graphene.Int(
        required=True, description="Products or variants left out, with reasons."
    )
    error = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    submitted_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    issues = graphene.List(
        graphene.NonNull(AmazonFeedIssue),
        required=True,
        first=graphene.Int(default_value=100),
        description="Per-SKU issues from Amazon's processing report ('View details').",
    )

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonFeedSubmission", root.pk)

    @staticmethod
    def resolve_issues(root, info, first=100):
        return root.issues.all()[: max(0, min(first, 1000))]


class AmazonFeedSubmissionConnection(CountableConnection):
    class Meta:
        node = AmazonFeedSubmissionType


class AmazonSubmitFeeds(BaseMutation):
    marketplaces = graphene.List(graphene.NonNull(AmazonMarketplaceType), required=True)
    permissions = (MANAGE_PRODUCTS,)
    error_defaults = {"marketplaces": []}

    class Arguments:
        marketplace_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        kinds = graphene.List(graphene.NonNull(AmazonFeedKind), required=True)

    class Meta:
        description = (
            "Build and submit the chosen feeds for the chosen marketplaces in the "
            "background; follow them with amazonFeedSubmissions (MANAGE_PRODUCTS)."
        )

    @classmethod
    def perform(cls, root, info, marketplace_ids, kinds):
        from ..catalog.tasks import submit_feeds_task

        if not marketplace_ids:
            raise InputError.single(
                "marketplaceIds",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Pick at least one marketplace.",
            )
        if not kinds:
            raise InputError.single(
                "kinds", AmazonFeedsErrorCode.REQUIRED.value, "Pick at least one feed."
            )
        marketplaces = [_marketplace(m, "marketplaceIds") for m in marketplace_ids]
        kind_values = sorted({str(k) for k in kinds})
        for marketplace in marketplaces:
            # Refused as a whole, before anything is queued: dropping the
            # kind would look as if it had been sent.
            refusal = scope_refusal(marketplace, kind_values)
            if refusal:
                raise InputError.single(
                    "kinds", AmazonFeedsErrorCode.KIND_OUT_OF_SCOPE.value, refusal
                )
        for marketplace in marketplaces:
            transaction.on_commit(
                lambda pk=marketplace.pk: submit_feeds_task.delay(pk, kind_values)
            )
        return {"marketplaces": marketplaces}


# -- listing state ---------------------------------------------------------------


class AmazonListingSku(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    sku = graphene.String(required=True)
    kind = AmazonFeedKind(required=True)
    variant_id = graphene.ID(description="Saleor variant; null for a parent.")
    status = graphene.String(required=True)
    sent_values = graphene.JSONString(required=True)
    sent_at = graphene.DateTime()
    accepted_values = graphene.JSONString(required=True)
    accepted_at = graphene.DateTime()
    issues = graphene.List(graphene.NonNull(AmazonFeedIssue), required=True)


class AmazonListingProblemType(AmazonObjectType):
    class Meta:
        name = "AmazonListingProblem"
        permissions = (MANAGE_PRODUCTS,)

    variant_id = graphene.ID()
    sku = graphene.String(required=True)
    kind = AmazonFeedKind(required=True)
    severity = graphene.String(required=True)
    reason = graphene.String(required=True)
    attribute = graphene.String(required=True)


class AmazonProductListing(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    product_id = graphene.ID(required=True)
    marketplace = graphene.Field(AmazonMarketplaceType, required=True)
    skus = graphene.List(graphene.NonNull(AmazonListingSku), required=True)
    problems = graphene.List(
        graphene.NonNull(AmazonListingProblemType),
        required=True,
        description="Why parts of the product were left out of the last feed.",
    )


def _variant_gid(variant_id):
    return global_id("ProductVariant", variant_id) if variant_id else None


def product_listing(product: Product, marketplace: AmazonMarketplace):
    states = list(
        AmazonListingState.objects.filter(
            marketplace=marketplace, product_id=product.pk
        ).select_related("last_submission")
    )
    issues_by_key: dict[tuple[int, str], list] = {}
    submission_ids = {s.last_submission_id for s in states if s.last_submission_id}
    for issue in FeedIssueModel.objects.filter(
        submission_id__in=submission_ids, sku__in=[s.sku for s in states]
    ):
        issues_by_key.setdefault((issue.submission_id, issue.sku), []).append(issue)
    skus = [
        AmazonListingSku(
            sku=s.sku,
            kind=s.kind,
            variant_id=_variant_gid(s.variant_id),
            status=s.status,
            sent_values=s.sent_summary,
            sent_at=s.sent_at,
            accepted_values=s.accepted_summary,
            accepted_at=s.accepted_at,
            issues=issues_by_key.get((s.last_submission_id, s.sku), []),
        )
        for s in states
    ]
    problems = [
        AmazonListingProblemType(
            variant_id=_variant_gid(p.variant_id),
            sku=p.sku,
            kind=p.kind,
            severity=p.severity,
            reason=p.reason,
            attribute=p.attribute,
        )
        for p in AmazonListingProblem.objects.filter(
            marketplace=marketplace, product_id=product.pk
        )
    ]
    _, option_issues = options_from_metadata(product.private_metadata)
    problems += [
        AmazonListingProblemType(
            sku="",
            kind="LISTINGS",
            severity="error",
            reason=i.message,
            attribute=i.field,
        )
        for i in option_issues
        if not any(p.reason == i.message for p in problems)
    ]
    return AmazonProductListing(
        product_id=global_id("Product", product.pk),
        marketplace=marketplace,
        skus=skus,
        problems=problems,
    )


class AmazonValidationIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    sku = graphene.String(required=True)
    code = graphene.String(required=True)
    severity = graphene.String(required=True)
    message = graphene.String(required=True)
    attributes = graphene.List(graphene.NonNull(graphene.String), required=True)


class AmazonValidateProduct(BaseMutation):
    status = graphene.String(
        description="VALID when Amazon found no errors for any SKU, else INVALID."
    )
    issues = graphene.List(graphene.NonNull(AmazonValidationIssue), required=True)
    permissions = (MANAGE_PRODUCTS,)
    error_defaults = {"issues": []}

    class Arguments:
        product_id = graphene.ID(required=True)
        marketplace_id = graphene.ID(required=True)

    class Meta:
        description = (
            "Ask Amazon to validate the product's listings without saving them "
            "(Listings Items VALIDATION_PREVIEW), one SKU at a time (MANAGE_PRODUCTS)."
        )

    @classmethod
    def perform(cls, root, info, product_id, marketplace_id):
        from ..catalog.validation import validate_product

        product = get_by_global_id(
            Product.objects.all(), product_id, "Product", "productId"
        )
        marketplace = _marketplace(marketplace_id)
        issues = validate_product(product, marketplace)
        errors = any(i["severity"] == "ERROR" for i in issues)
        return {
            "status": "INVALID" if errors else "VALID",
            "issues": [AmazonValidationIssue(**i) for i in issues],
        }


class CatalogQueries(graphene.ObjectType):
    amazon_product_types = graphene.List(
        graphene.NonNull(AmazonProductType),
        required=True,
        marketplace_id=graphene.ID(required=True),
        keywords=graphene.String(),
        description="Search Amazon's product types (MANAGE_PRODUCTS).",
    )
    amazon_feed_submissions = graphene.Field(
        graphene.NonNull(AmazonFeedSubmissionConnection),
        marketplace_id=graphene.ID(),
        description="Feed submissions, newest first (MANAGE_PRODUCTS).",
        **connection_args(),
    )
    amazon_feed_submission = graphene.Field(
        AmazonFeedSubmissionType,
        id=graphene.ID(required=True),
        description="One feed submission with its issues (MANAGE_PRODUCTS).",
    )
    amazon_product_listing = graphene.Field(
        AmazonProductListing,
        product_id=graphene.ID(required=True),
        marketplace_id=graphene.ID(required=True),
        description="A product's listing state on one marketplace (MANAGE_PRODUCTS).",
    )
    amazon_category_options = graphene.Field(
        AmazonCatalogOptions,
        category_id=graphene.ID(required=True),
        description="Amazon options of a category (MANAGE_PRODUCTS).",
    )
    amazon_product_options = graphene.Field(
        AmazonCatalogOptions,
        product_id=graphene.ID(required=True),
        description="Amazon options of a product (MANAGE_PRODUCTS).",
    )

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_product_types(root, info, marketplace_id, keywords=None):
        marketplace = _marketplace(marketplace_id)
        with client_for(marketplace.account) as client:
            found = product_types.search(client, marketplace.marketplace_id, keywords)
        return [
            AmazonProductType(name=p["name"], display_name=p.get("displayName") or "")
            for p in found
        ]

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_feed_submissions(
        root, info, first=None, after=None, marketplace_id=None
    ):
        queryset = AmazonFeedSubmission.objects.select_related("marketplace")
        if marketplace_id:
            queryset = queryset.filter(marketplace=_marketplace(marketplace_id))
        # Newest first: keyset on descending pk.
        return paginate(
            AmazonFeedSubmissionConnection, queryset, first, after, descending=True
        )

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_feed_submission(root, info, id):
        return get_by_global_id(
            AmazonFeedSubmission.objects.select_related("marketplace"),
            id,
            "AmazonFeedSubmission",
            "id",
        )

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_product_listing(root, info, product_id, marketplace_id):
        product = get_by_global_id(
            Product.objects.all(), product_id, "Product", "productId"
        )
        return product_listing(product, _marketplace(marketplace_id))

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_category_options(root, info, category_id):
        category = get_by_global_id(
            Category.objects.all(), category_id, "Category", "categoryId"
        )
        return AmazonCatalogOptions.from_metadata(category.private_metadata)

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_product_options(root, info, product_id):
        product = get_by_global_id(
            Product.objects.all(), product_id, "Product", "productId"
        )
        return AmazonCatalogOptions.from_metadata(product.private_metadata)


class CatalogMutations(graphene.ObjectType):
    amazon_category_options_update = AmazonCategoryOptionsUpdate.Field()
    amazon_product_options_update = AmazonProductOptionsUpdate.Field()
    amazon_submit_feeds = AmazonSubmitFeeds.Field()
    amazon_validate_product = AmazonValidateProduct.Field()
