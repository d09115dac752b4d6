from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PortfolioDay',
                    fields=[
                        ('value_date', models.DateField(primary_key=True, serialize=False)),
                        ('disbursed_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('disbursed_count', models.PositiveIntegerField(default=0)),
                        ('interest_accrued_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('interest_collected_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('principal_collected_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                        ('refreshed_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'portfolio day',
                        'db_table': 'loans_portfolioday',
                        'ordering': ['-value_date'],
                        'permissions': [('view_portfolio', 'Can view the portfolio dashboard')],
                    },
                ),
                migrations.CreateModel(
                    name='RollRateSummary',
                    fields=[
                        ('as_of', models.DateField(primary_key=True, serialize=False)),
                        ('window_start', models.DateField()),
                        ('cells', models.JSONField(default=dict)),
                        ('refreshed_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'roll-rate summary',
                        'verbose_name_plural': 'roll-rate summaries',
                        'db_table': 'loans_rollratesummary',
                        'ordering': ['-as_of'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('window_start__lt', models.F('as_of'))), name='roll_rate_window_not_empty')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
