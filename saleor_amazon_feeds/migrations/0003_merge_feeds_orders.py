from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("amazon_feeds", "0002_feeds"),
        ("amazon_feeds", "0002_orders"),
    ]

    operations = []
