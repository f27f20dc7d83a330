"""The marketplace foreign keys of the outbox and the two kept tables lose
their own indexes: each table's composite indexes start with the marketplace
and serve every lookup by it, and a third index only slowed the writes a
reconciliation pass makes (10,000 queued differences, the refreshes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('amazon_feeds', '0005_current_values'),
    ]

    operations = [
        migrations.AlterField(
            model_name='amazonacceptedvalue',
            name='marketplace',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='amazon_feeds.amazonmarketplace'),
        ),
        migrations.AlterField(
            model_name='amazonsellablequantity',
            name='marketplace',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='amazon_feeds.amazonmarketplace'),
        ),
        migrations.AlterField(
            model_name='amazonsyncchange',
            name='marketplace',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='sync_changes', to='amazon_feeds.amazonmarketplace'),
        ),
    ]
