import graphene
from django.db.models import Model
from saleor.product.models import Category, Product

from ....mapping.options import options_from_metadata, serialize_options
from ....mapping.options_input import OptionsUpdate, check_options_update
from ....saleor_compat import update_private_metadata
from ....services.product_type_check import product_type_problems
from ....sync import hooks as sync_hooks
from ...core.errors import raise_for_problems
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...mappings.saleor_attributes import existing_attribute_slugs
from ..types import AmazonCatalogOptions


def _options_update(data: dict) -> OptionsUpdate:
    product_types = data.get("product_types")
    mappings = data.get("mappings")
    return OptionsUpdate(
        product_types=None
        if product_types is None
        else [(c["marketplace_id"], c["product_type"]) for c in product_types],
        mappings=None
        if mappings is None
        else [(m["amazon_attribute"], m["sources"]) for m in mappings],
        exclude=data.get("exclude"),
    )


def update_options(instance: Model, data: dict) -> None:
    """Store the options ``data`` changes into ``instance``'s metadata, or
    raise an InputError naming every problem (``mapping.options_input``)."""
    current, _ = options_from_metadata(instance.private_metadata)
    options, problems = check_options_update(
        current,
        _options_update(data),
        existing_attributes=existing_attribute_slugs,
        product_type_check=product_type_problems,
    )
    raise_for_problems(problems)
    # Saleor's own atomic JSONB merge: other metadata keys written concurrently
    # by other clients survive.
    update_private_metadata(instance, serialize_options(options))


class BaseOptionsUpdate(BaseMutation):
    """Shared by the category and product variants: same options, other model."""

    options = graphene.Field(AmazonCatalogOptions)
    model: type[Model] = Category
    type_name = ""
    id_argument = ""

    class Meta:
        abstract = True

    @classmethod
    def perform(cls, root, info, input, **ids):
        ((_argument, value),) = ids.items()
        instance = get_by_global_id(
            cls.model.objects.all(), value, cls.type_name, cls.id_argument
        )
        update_options(instance, dict(input))
        # Saleor fires no hook for this metadata write; exclusion or another
        # product type must still reach Amazon (DELETE or a new listing).
        if cls.model is Product:
            sync_hooks.product_changed(instance)
        else:
            sync_hooks.category_changed(instance)
        return {
            "options": AmazonCatalogOptions.from_metadata(instance.private_metadata)
        }
