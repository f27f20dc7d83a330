"""What the plugin's API and the plugin itself ask for: verifying accounts and
marketplaces, checking product types, provisioning the plugin's Saleor App.

Above the features (catalog, orders, sync), which never import from here."""
