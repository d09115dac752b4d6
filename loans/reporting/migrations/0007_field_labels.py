# Field labels in the reader's language (issue #23): verbose_name only, no SQL.

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0006_revolving_accounts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='bureaurecord',
            name='data',
            field=models.JSONField(blank=True, null=True, verbose_name='rejected record'),
        ),
        migrations.AlterField(
            model_name='bureaurecord',
            name='digest',
            field=models.CharField(max_length=64, verbose_name='figures digest'),
        ),
        migrations.AlterField(
            model_name='bureaurecord',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='records', to='reporting.bureaurun', verbose_name='run'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='disbursed_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='principal disbursed'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='disbursed_count',
            field=models.PositiveIntegerField(default=0, verbose_name='loans disbursed'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='interest_accrued_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest accrued amount'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='interest_collected_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='interest collected amount'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='principal_collected_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='principal collected amount'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='refreshed_at',
            field=models.DateTimeField(auto_now=True, verbose_name='refreshed at'),
        ),
        migrations.AlterField(
            model_name='portfolioday',
            name='value_date',
            field=models.DateField(primary_key=True, serialize=False, verbose_name='value date'),
        ),
        migrations.AlterField(
            model_name='rollratesummary',
            name='as_of',
            field=models.DateField(primary_key=True, serialize=False, verbose_name='as of'),
        ),
        migrations.AlterField(
            model_name='rollratesummary',
            name='cells',
            field=models.JSONField(default=dict, verbose_name='roll-rate matrix'),
        ),
        migrations.AlterField(
            model_name='rollratesummary',
            name='refreshed_at',
            field=models.DateTimeField(auto_now=True, verbose_name='refreshed at'),
        ),
        migrations.AlterField(
            model_name='rollratesummary',
            name='window_start',
            field=models.DateField(verbose_name='window start'),
        ),
    ]
