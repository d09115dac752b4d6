"""Revolving accounts' sub-ledger on the journal lines (issue #18, PRODUCT §10).

The journal is the largest table: nothing here holds a lock that stops postings for long. The
column is nullable without a default (no rewrite); the index is built concurrently; the checks
are added NOT VALID and then validated, which reads the table without blocking writes.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.contrib.postgres.operations import AddIndexConcurrently

ACCOUNTS = [
    "CASH", "DISBURSEMENT_CLEARING", "PRINCIPAL_RECEIVABLE", "INTEREST_RECEIVABLE",
    "FEE_RECEIVABLE", "PENALTY_RECEIVABLE", "ADVANCE_LIABILITY", "OVERPAYMENT_LIABILITY",
    "INTEREST_INCOME", "FEE_INCOME", "PENALTY_INCOME", "WAIVERS", "CREDIT_LOSSES", "RECOVERIES",
    "REVOLVING_RECEIVABLE", "MERCHANT_PAYABLE",
]  # fmt: skip
ACCOUNT_CHOICES = [
    ("CASH", "Cash"),
    ("DISBURSEMENT_CLEARING", "Disbursement clearing"),
    ("PRINCIPAL_RECEIVABLE", "Principal receivable"),
    ("INTEREST_RECEIVABLE", "Interest receivable"),
    ("FEE_RECEIVABLE", "Fee receivable"),
    ("PENALTY_RECEIVABLE", "Penalty receivable"),
    ("ADVANCE_LIABILITY", "Advance payments (liability)"),
    ("OVERPAYMENT_LIABILITY", "Overpayments (liability)"),
    ("INTEREST_INCOME", "Interest income"),
    ("FEE_INCOME", "Fee income"),
    ("PENALTY_INCOME", "Penalty income"),
    ("WAIVERS", "Waivers (contra-income)"),
    ("CREDIT_LOSSES", "Credit losses"),
    ("RECOVERIES", "Recoveries"),
    ("REVOLVING_RECEIVABLE", "Revolving principal receivable"),
    ("MERCHANT_PAYABLE", "Merchant settlement payable"),
]
ENTRY_TYPES = [
    ("DISBURSEMENT", "Disbursement"),
    ("PAYOUT_SETTLED", "Payout settled"),
    ("INTEREST_ACCRUAL", "Interest accrual"),
    ("FEE_DUE", "Installment fee due"),
    ("PENALTY", "Penalty"),
    ("REPAYMENT", "Repayment"),
    ("ADVANCE_APPLIED", "Advance applied"),
    ("WAIVER", "Waiver"),
    ("WRITE_OFF", "Write-off"),
    ("RECOVERY", "Recovery"),
    ("REFUND", "Overpayment refund"),
    ("REVERSAL", "Reversal"),
    ("MANUAL_ADJUSTMENT", "Manual adjustment"),
    ("PURCHASE", "Purchase captured"),
    ("PURCHASE_REFUND", "Purchase refunded"),
]
_KNOWN = ", ".join(f"'{code}'" for code in ACCOUNTS)
CHECKS_NOT_VALID = f"""
ALTER TABLE loans_journalline
    DROP CONSTRAINT journal_line_account_known,
    ADD CONSTRAINT journal_line_account_known CHECK ("account" IN ({_KNOWN})) NOT VALID,
    ADD CONSTRAINT journal_line_one_subledger
        CHECK ("loan_id" IS NULL OR "revolving_account_id" IS NULL) NOT VALID
"""
CHECKS_VALIDATE = [
    "ALTER TABLE loans_journalline VALIDATE CONSTRAINT journal_line_account_known",
    "ALTER TABLE loans_journalline VALIDATE CONSTRAINT journal_line_one_subledger",
]


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY; each step commits on its own

    dependencies = [
        ("ledger", "0003_journal_no_truncate"),
        ("revolving", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="journalline",
            name="revolving_account",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="revolving.revolvingaccount",
            ),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="entry_type",
            field=models.CharField(choices=ENTRY_TYPES, max_length=20),
        ),
        migrations.AlterField(
            model_name="journalline",
            name="account",
            field=models.CharField(choices=ACCOUNT_CHOICES, max_length=24),
        ),
        AddIndexConcurrently(
            model_name="journalline",
            index=models.Index(
                condition=models.Q(("revolving_account__isnull", False)),
                fields=["revolving_account", "account"],
                name="journal_line_revolving",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="journalline", name="journal_line_account_known"
                ),
                migrations.AddConstraint(
                    model_name="journalline",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("loan__isnull", True),
                            ("revolving_account__isnull", True),
                            _connector="OR",
                        ),
                        name="journal_line_one_subledger",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="journalline",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("account__in", ACCOUNTS)),
                        name="journal_line_account_known",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(CHECKS_NOT_VALID, migrations.RunSQL.noop),
                *(migrations.RunSQL(sql, migrations.RunSQL.noop) for sql in CHECKS_VALIDATE),
            ],
        ),
    ]
