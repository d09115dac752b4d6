"""The loan-loss provision accounts and entry type (issue #19, PRODUCT §13).

The journal is the largest table: the account check is replaced NOT VALID and then validated,
which reads the table without blocking postings (as migration 0004 does).
"""

from django.db import migrations, models

ACCOUNTS = [
    "CASH", "DISBURSEMENT_CLEARING", "PRINCIPAL_RECEIVABLE", "INTEREST_RECEIVABLE",
    "FEE_RECEIVABLE", "PENALTY_RECEIVABLE", "ADVANCE_LIABILITY", "OVERPAYMENT_LIABILITY",
    "INTEREST_INCOME", "FEE_INCOME", "PENALTY_INCOME", "WAIVERS", "CREDIT_LOSSES", "RECOVERIES",
    "REVOLVING_RECEIVABLE", "MERCHANT_PAYABLE", "LOAN_LOSS_PROVISION", "PROVISION_EXPENSE",
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
    ("LOAN_LOSS_PROVISION", "Loan-loss provision (contra-asset)"),
    ("PROVISION_EXPENSE", "Impairment expense"),
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
    ("PROVISION", "Loan-loss provision"),
]
_KNOWN = ", ".join(f"'{code}'" for code in ACCOUNTS)
CHECK_NOT_VALID = f"""
ALTER TABLE loans_journalline
    DROP CONSTRAINT journal_line_account_known,
    ADD CONSTRAINT journal_line_account_known CHECK ("account" IN ({_KNOWN})) NOT VALID
"""
CHECK_VALIDATE = "ALTER TABLE loans_journalline VALIDATE CONSTRAINT journal_line_account_known"


class Migration(migrations.Migration):
    atomic = False  # the check is validated in its own transaction, after the swap commits

    dependencies = [
        ("ledger", "0004_revolving_subledger"),
    ]

    operations = [
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
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="journalline", name="journal_line_account_known"
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
                migrations.RunSQL(CHECK_NOT_VALID, migrations.RunSQL.noop),
                migrations.RunSQL(CHECK_VALIDATE, migrations.RunSQL.noop),
            ],
        ),
    ]
