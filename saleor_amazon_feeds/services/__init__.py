"""Django-side services: where the plugin's models meet Amazon and Saleor."""
