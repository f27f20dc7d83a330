"""A marketplace's mappings.

Field mappings: which Saleor data fills an Amazon listing attribute, for every
product of the marketplace (categories and products can override them, see
``catalog``). Shipping mappings: which Saleor shipping method an imported
order gets for Amazon's shipping service level. The rules a mapping must
follow live in ``saleor_amazon_feeds.mapping``; this package only reports
what they find.
"""
