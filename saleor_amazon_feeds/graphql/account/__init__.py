"""Seller accounts and their marketplaces.

Registering an account (its credentials are write-only), the marketplaces it
sells on (live from Amazon), and each configured marketplace: its Saleor
channel and warehouses, stock and sync settings, and Amazon's verdict on its
credentials.
"""
