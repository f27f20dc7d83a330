from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("amazon_feeds", "0004_sync"),
    ]

    operations = [
        migrations.AlterField(
            model_name="amazonmarketplace",
            name="auto_import_orders",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="amazonmarketplace",
            name="untracked_quantity",
            field=models.PositiveIntegerField(default=100),
        ),
    ]
