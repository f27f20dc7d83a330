/**
 * What a mapping can name, mirrored from the plugin's closed lists
 * (saleor_amazon_feeds/mapping/amazon_attributes.py and sources.py) because
 * the plugin's schema does not expose them. They only drive suggestions: the
 * API checks every value and its errors are shown next to the field.
 */

export const AMAZON_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ["item_name", "Title"],
  ["brand", "Brand"],
  ["manufacturer", "Manufacturer"],
  ["product_description", "Description"],
  ["bullet_point", "Bullet points (up to 5)"],
  ["generic_keyword", "Search terms"],
  ["externally_assigned_product_identifier", "EAN / UPC / GTIN"],
  ["merchant_suggested_asin", "ASIN to match"],
  ["supplier_declared_has_product_identifier_exemption", "GTIN exemption"],
  ["model_number", "Model number"],
  ["model_name", "Model name"],
  ["part_number", "Manufacturer part number"],
  ["color", "Colour"],
  ["size", "Size"],
  ["material", "Material"],
  ["style", "Style"],
  ["pattern", "Pattern"],
  ["department", "Department"],
  ["target_gender", "Target gender"],
  ["age_range_description", "Age range"],
  ["item_weight", "Item weight"],
  ["item_package_weight", "Package weight"],
  ["item_dimensions", "Item dimensions"],
  ["item_package_dimensions", "Package dimensions"],
  ["item_package_quantity", "Package quantity"],
  ["number_of_items", "Number of items"],
  ["unit_count", "Unit count"],
  ["country_of_origin", "Country of origin"],
  ["condition_type", "Condition"],
  ["condition_note", "Condition note"],
  ["main_product_image_locator", "Main image"],
  ["swatch_product_image_locator", "Swatch image"],
  ["recommended_browse_nodes", "Browse node"],
  ["warranty_description", "Warranty"],
  ["special_feature", "Special features"],
  ["included_components", "Included components"],
  ["care_instructions", "Care instructions"],
  ["fabric_type", "Fabric type"],
  ["batteries_required", "Batteries required"],
  ["batteries_included", "Batteries included"],
  ["merchant_shipping_group", "Shipping template"],
  ["list_price", "List price"],
  ["max_order_quantity", "Maximum order quantity"],
  ["gift_options", "Gift options"],
];

export const FIXED_SOURCES: ReadonlyArray<[string, string]> = [
  ["product.name", "Product name"],
  ["product.description", "Product description as plain text"],
  ["product.description_bullets", "List items of the product description"],
  ["product.seo_title", "SEO title"],
  ["product.seo_description", "SEO description"],
  ["product.slug", "Product slug"],
  ["product.weight", "Product weight (with unit)"],
  ["product.type", "Product type name"],
  ["product.category", "Category name"],
  ["product.media", "Product image URLs"],
  ["variant.name", "Variant name"],
  ["variant.sku", "Variant SKU"],
  ["variant.weight", "Variant weight (with unit), else the product's"],
  ["variant.external_reference", "Variant external reference"],
];

export const KEYED_SOURCES: ReadonlyArray<[string, string]> = [
  ["attribute", "Variant attribute, else product attribute (by slug)"],
  ["product_attribute", "Product attribute (by slug)"],
  ["variant_attribute", "Variant attribute (by slug)"],
  ["metadata", "Product metadata (by key)"],
  ["variant_metadata", "Variant metadata (by key)"],
  ["gtin", "A valid GTIN/EAN/UPC from an attribute (by slug)"],
  ["literal", "A fixed text"],
];

export type SourceSuggestion = { value: string; label: string };

/** Fixed sources plus `attribute:`/`gtin:` for each Saleor attribute slug. */
export function sourceSuggestions(attributeSlugs: ReadonlyArray<{ slug: string; name: string }>): SourceSuggestion[] {
  const fixed = FIXED_SOURCES.map(([value, label]) => ({ value, label }));
  const attributes = attributeSlugs.flatMap(({ slug, name }) => [
    { value: `attribute:${slug}`, label: `Attribute “${name}”` },
    { value: `gtin:${slug}`, label: `GTIN from “${name}”` },
  ]);
  const keyed = KEYED_SOURCES.map(([kind, label]) => ({ value: `${kind}:`, label }));
  return [...fixed, ...attributes, ...keyed];
}

export function sourceLabel(expression: string): string {
  const fixed = FIXED_SOURCES.find(([value]) => value === expression);
  if (fixed) return fixed[1];
  const [kind, ...rest] = expression.split(":");
  const keyed = KEYED_SOURCES.find(([value]) => value === kind);
  return keyed ? `${keyed[1]}: ${rest.join(":")}` : "";
}

export function attributeLabel(name: string): string {
  return AMAZON_ATTRIBUTES.find(([value]) => value === name)?.[1] ?? "";
}
