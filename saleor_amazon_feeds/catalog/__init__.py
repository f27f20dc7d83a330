"""Catalog export: Saleor products -> Amazon listing feed messages (Django side)."""
