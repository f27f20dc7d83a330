from django.apps import AppConfig


class AmazonFeedsConfig(AppConfig):
    name = "saleor_amazon_feeds"
    label = "amazon_feeds"
    verbose_name = "Amazon Feeds"
    default_auto_field = "django.db.models.BigAutoField"
