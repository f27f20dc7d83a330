"""Field mapping: which Saleor data feeds which Amazon listing attribute (pure)."""
