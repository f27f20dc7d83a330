"""Catalog export.

The Amazon options of categories and products (product type, mappings,
exclusion: kept in their Saleor private metadata), Amazon's product types,
feed submissions and their issues, a product's listing state on a
marketplace, and Amazon's validation of a product before it is sent.
"""
