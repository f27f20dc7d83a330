"""Catalog export to Amazon as plain data: messages, feeds, validation, reports.

Nothing in this package touches Django or the database; a Django layer fills the
inputs from Saleor and hands the outputs to the SP-API client.
"""
