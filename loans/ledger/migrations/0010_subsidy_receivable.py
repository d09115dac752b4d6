"""The merchant subsidy receivable and its entry type (issue #18, PRODUCT §10).

The fees of a merchant-subsidised plan are owed by the partner: the cut posts them Dr
SUBSIDY_RECEIVABLE, and the partner's settlement withholds them (Dr MERCHANT_PAYABLE, Cr
SUBSIDY_RECEIVABLE, entry type SUBSIDY_WITHHELD). Lines posted before keep their accounts.

The journal is the largest table: the account check is replaced NOT VALID and then validated,
which reads the partitions without blocking postings (as migrations 0004 and 0005 do).
"""

from django.db import migrations, models

ACCOUNTS = [
    "CASH", "DISBURSEMENT_CLEARING", "PRINCIPAL_RECEIVABLE", "INTEREST_RECEIVABLE",
    "FEE_RECEIVABLE", "PENALTY_RECEIVABLE", "ADVANCE_LIABILITY", "OVERPAYMENT_LIABILITY",
    "INTEREST_INCOME", "FEE_INCOME", "PENALTY_INCOME", "WAIVERS", "CREDIT_LOSSES", "RECOVERIES",
    "REVOLVING_RECEIVABLE", "MERCHANT_PAYABLE", "SUBSIDY_RECEIVABLE", "LOAN_LOSS_PROVISION",
    "PROVISION_EXPENSE",
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
    ("SUBSIDY_RECEIVABLE", "Merchant subsidy receivable"),
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
    ("SUBSIDY_WITHHELD", "Merchant subsidy withheld"),
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
        ("ledger", "0009_field_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="journalentry",
            name="entry_type",
            field=models.CharField(choices=ENTRY_TYPES, max_length=20, verbose_name="entry type"),
        ),
        migrations.AlterField(
            model_name="journalline",
            name="account",
            field=models.CharField(
                choices=ACCOUNT_CHOICES, max_length=24, verbose_name="ledger account"
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
