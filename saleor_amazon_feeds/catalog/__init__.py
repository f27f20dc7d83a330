"""Catalog export: Saleor products -> Amazon listing feed messages.

``rows`` and ``build`` are plain Python (no Django): the builder's core, fed
by ``builder`` and ``loader``, which read Saleor's database.
"""
