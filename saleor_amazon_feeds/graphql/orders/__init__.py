"""Amazon orders in Saleor.

Import jobs (started by hand or automatically) and their outcome, the Amazon
orders the plugin has seen (held ones with the reason, and retrying them),
shipments confirmed to Amazon, and the shipping zones a shipping mapping may
point at.
"""
