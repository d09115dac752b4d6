import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JournalLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('account', models.CharField(choices=[('CASH', 'Cash'), ('DISBURSEMENT_CLEARING', 'Disbursement clearing'), ('PRINCIPAL_RECEIVABLE', 'Principal receivable'), ('INTEREST_RECEIVABLE', 'Interest receivable'), ('FEE_RECEIVABLE', 'Fee receivable'), ('PENALTY_RECEIVABLE', 'Penalty receivable'), ('ADVANCE_LIABILITY', 'Advance payments (liability)'), ('OVERPAYMENT_LIABILITY', 'Overpayments (liability)'), ('INTEREST_INCOME', 'Interest income'), ('FEE_INCOME', 'Fee income'), ('PENALTY_INCOME', 'Penalty income'), ('WAIVERS', 'Waivers (contra-income)'), ('CREDIT_LOSSES', 'Credit losses'), ('RECOVERIES', 'Recoveries')], max_length=24)),
                        ('installment_number', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=16)),
                    ],
                    options={
                        'db_table': 'loans_journalline',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='JournalEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entry_type', models.CharField(choices=[('DISBURSEMENT', 'Disbursement'), ('PAYOUT_SETTLED', 'Payout settled'), ('INTEREST_ACCRUAL', 'Interest accrual'), ('FEE_DUE', 'Installment fee due'), ('PENALTY', 'Penalty'), ('REPAYMENT', 'Repayment'), ('ADVANCE_APPLIED', 'Advance applied'), ('WAIVER', 'Waiver'), ('WRITE_OFF', 'Write-off'), ('RECOVERY', 'Recovery'), ('REFUND', 'Overpayment refund'), ('REVERSAL', 'Reversal'), ('MANUAL_ADJUSTMENT', 'Manual adjustment')], max_length=20)),
                        ('value_date', models.DateField()),
                        ('key', models.CharField(blank=True, max_length=100, null=True, unique=True)),
                        ('memo', models.CharField(blank=True, max_length=200)),
                        ('posted_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'journal entries',
                        'db_table': 'loans_journalentry',
                        'ordering': ['id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
