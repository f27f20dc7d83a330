"""A sample Saleor shop, written with bulk inserts: the one builder behind the
demo's shop (``demo.catalog``), the benchmarks' catalogs and the tests'.

``catalog`` writes product types with their attributes and products with
variants, prices, stock and allocations from plain specs; ``apparel`` is the
shirt catalog the tests and the benchmarks grow. It lives outside the plugin's
package on purpose: it is how this repository fills a shop, not something a
Saleor deployment installs (the wheel holds ``saleor_amazon_feeds`` only).
Importing it needs Django set up with Saleor's apps.
"""
