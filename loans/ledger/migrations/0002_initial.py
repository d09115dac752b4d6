import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ledger', '0001_initial'),
        ('servicing', '0001_initial'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='journalentry',
                    name='loan',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='servicing.loan'),
                ),
                migrations.AddField(
                    model_name='journalentry',
                    name='reverses',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='ledger.journalentry'),
                ),
                migrations.AddField(
                    model_name='journalline',
                    name='entry',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='ledger.journalentry'),
                ),
                migrations.AddField(
                    model_name='journalline',
                    name='loan',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicing.loan'),
                ),
                migrations.AddIndex(
                    model_name='journalentry',
                    index=models.Index(fields=['loan', 'id'], name='loans_journ_loan_id_8543b6_idx'),
                ),
                migrations.AddIndex(
                    model_name='journalentry',
                    index=models.Index(fields=['value_date'], name='loans_journ_value_d_070ca6_idx'),
                ),
                migrations.AddIndex(
                    model_name='journalentry',
                    index=django.contrib.postgres.indexes.BrinIndex(fields=['posted_at'], name='journal_entry_posted_brin'),
                ),
                migrations.AddIndex(
                    model_name='journalline',
                    index=models.Index(fields=['loan', 'account'], name='loans_journ_loan_id_faf9f5_idx'),
                ),
                migrations.AddIndex(
                    model_name='journalline',
                    index=models.Index(fields=['entry'], name='loans_journ_entry_i_f88ece_idx'),
                ),
                migrations.AddConstraint(
                    model_name='journalline',
                    constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='journal_line_amount_not_zero'),
                ),
                migrations.AddConstraint(
                    model_name='journalline',
                    constraint=models.CheckConstraint(condition=models.Q(('account__in', ['CASH', 'DISBURSEMENT_CLEARING', 'PRINCIPAL_RECEIVABLE', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE', 'ADVANCE_LIABILITY', 'OVERPAYMENT_LIABILITY', 'INTEREST_INCOME', 'FEE_INCOME', 'PENALTY_INCOME', 'WAIVERS', 'CREDIT_LOSSES', 'RECOVERIES'])), name='journal_line_account_known'),
                ),
            ],
            database_operations=[],
        ),
    ]
