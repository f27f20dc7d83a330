from saleor.attribute.models import Attribute


def existing_attribute_slugs(slugs: set[str]) -> set[str]:
    """The slugs among ``slugs`` that name a Saleor attribute: what the
    mapping checks (``mapping.field_mapping_input``) ask the database."""
    return set(Attribute.objects.filter(slug__in=slugs).values_list("slug", flat=True))
