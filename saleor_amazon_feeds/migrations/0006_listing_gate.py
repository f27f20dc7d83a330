import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("amazon_feeds", "0005_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="amazonlistingstate",
            name="rejected_digest",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.CreateModel(
            name="AmazonListingLookup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("sku", models.CharField(max_length=64)),
                ("found", models.BooleanField()),
                (
                    "product_type",
                    models.CharField(blank=True, default="", max_length=128),
                ),
                (
                    "checked_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "marketplace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="listing_lookups",
                        to="amazon_feeds.amazonmarketplace",
                    ),
                ),
            ],
            options={
                "ordering": ("pk",),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("marketplace", "sku"),
                        name="amazon_feeds_listing_lookup_unique",
                    )
                ],
            },
        ),
    ]
