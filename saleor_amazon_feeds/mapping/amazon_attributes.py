"""Amazon listing attributes a marketplace-level mapping may target.

Product types add their own attributes (their JSON schemas list them); this is
the set common to almost every product type, so mappings can be checked before
any product type is chosen. Typos here would silently send nothing, hence the
closed list.
"""

from ..amazon.identifiers import attribute_name_problem

COMMON_ATTRIBUTES: dict[str, str] = {
    "item_name": "Title",
    "brand": "Brand",
    "manufacturer": "Manufacturer",
    "product_description": "Description",
    "bullet_point": "Bullet points (up to 5)",
    "generic_keyword": "Search terms",
    "externally_assigned_product_identifier": "EAN / UPC / GTIN",
    "merchant_suggested_asin": "ASIN to match",
    "supplier_declared_has_product_identifier_exemption": "GTIN exemption",
    "model_number": "Model number",
    "model_name": "Model name",
    "part_number": "Manufacturer part number",
    "color": "Colour",
    "size": "Size",
    "material": "Material",
    "style": "Style",
    "pattern": "Pattern",
    "department": "Department",
    "target_gender": "Target gender",
    "age_range_description": "Age range",
    "item_weight": "Item weight",
    "item_package_weight": "Package weight",
    "item_dimensions": "Item dimensions",
    "item_package_dimensions": "Package dimensions",
    "item_package_quantity": "Package quantity",
    "number_of_items": "Number of items",
    "unit_count": "Unit count",
    "country_of_origin": "Country of origin",
    "condition_type": "Condition",
    "condition_note": "Condition note",
    "main_product_image_locator": "Main image",
    **{f"other_product_image_locator_{i}": f"Other image {i}" for i in range(1, 9)},
    "swatch_product_image_locator": "Swatch image",
    "recommended_browse_nodes": "Browse node",
    "warranty_description": "Warranty",
    "special_feature": "Special features",
    "included_components": "Included components",
    "care_instructions": "Care instructions",
    "fabric_type": "Fabric type",
    "batteries_required": "Batteries required",
    "batteries_included": "Batteries included",
    "supplier_declared_dg_hz_regulation": "Dangerous goods regulation",
    "merchant_shipping_group": "Shipping template",
    "list_price": "List price",
    "max_order_quantity": "Maximum order quantity",
    "product_site_launch_date": "Launch date",
    "gift_options": "Gift options",
}

# Written by the plugin itself from stock, prices and variations: a mapping for
# them would be overwritten, so it is refused rather than silently ignored.
MANAGED_ATTRIBUTES = frozenset(
    {
        "fulfillment_availability",
        "purchasable_offer",
        "parentage_level",
        "child_parent_sku_relationship",
        "variation_theme",
    }
)


def attribute_problem(
    name: str, extra_known: frozenset[str] = frozenset()
) -> str | None:
    """Why `name` cannot be mapped, or None when it can."""
    if not isinstance(name, str):
        return "Not an Amazon attribute name."
    problem = attribute_name_problem(name)
    if problem:
        return problem
    if name in MANAGED_ATTRIBUTES:
        return (
            f"'{name}' is set by the plugin from Saleor's stock, prices and "
            "variants and cannot be mapped."
        )
    if name not in COMMON_ATTRIBUTES and name not in extra_known:
        return f"Unknown Amazon attribute '{name}'."
    return None
