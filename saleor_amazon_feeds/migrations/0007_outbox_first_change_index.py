"""The outbox loses its index by (marketplace, kind, first change): the
drainer groups a kind's rows by product before ordering them, and the unique
index serves every read by marketplace and kind, so the index only slowed
each queued change (a full reconciliation's 10,000 rows by a fifth)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("amazon_feeds", "0006_redundant_marketplace_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="amazonsyncchange",
            name="amazon_feed_marketp_2a41f0_idx",
        ),
    ]
