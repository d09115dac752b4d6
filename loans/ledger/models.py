"""The chart of accounts and the journal (PRODUCT §3)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountCode(models.TextChoices):
    """The chart of accounts (PRODUCT §3)."""

    CASH = "CASH", "Cash"
    DISBURSEMENT_CLEARING = "DISBURSEMENT_CLEARING", "Disbursement clearing"
    PRINCIPAL_RECEIVABLE = "PRINCIPAL_RECEIVABLE", "Principal receivable"
    INTEREST_RECEIVABLE = "INTEREST_RECEIVABLE", "Interest receivable"
    FEE_RECEIVABLE = "FEE_RECEIVABLE", "Fee receivable"
    PENALTY_RECEIVABLE = "PENALTY_RECEIVABLE", "Penalty receivable"
    ADVANCE_LIABILITY = "ADVANCE_LIABILITY", "Advance payments (liability)"
    OVERPAYMENT_LIABILITY = "OVERPAYMENT_LIABILITY", "Overpayments (liability)"
    INTEREST_INCOME = "INTEREST_INCOME", "Interest income"
    FEE_INCOME = "FEE_INCOME", "Fee income"
    PENALTY_INCOME = "PENALTY_INCOME", "Penalty income"
    WAIVERS = "WAIVERS", "Waivers (contra-income)"
    CREDIT_LOSSES = "CREDIT_LOSSES", "Credit losses"
    RECOVERIES = "RECOVERIES", "Recoveries"
    # Revolving accounts (PRODUCT §10): purchases at a partner's checkout, owed to the partner.
    REVOLVING_RECEIVABLE = "REVOLVING_RECEIVABLE", "Revolving principal receivable"
    MERCHANT_PAYABLE = "MERCHANT_PAYABLE", "Merchant settlement payable"
    # The fees of merchant-subsidised plans (免息) billed, owed by the partner until its
    # settlement withholds them from what it is paid.
    SUBSIDY_RECEIVABLE = "SUBSIDY_RECEIVABLE", "Merchant subsidy receivable"
    # Expected credit losses (PRODUCT §13, CAS 22): the allowance against the loans' principal
    # (a contra-asset: its balance is a credit) and the month-end charge for it.
    LOAN_LOSS_PROVISION = "LOAN_LOSS_PROVISION", "Loan-loss provision (contra-asset)"
    PROVISION_EXPENSE = "PROVISION_EXPENSE", "Impairment expense"


class AccountKind(models.TextChoices):
    ASSET = "ASSET", "Asset"
    LIABILITY = "LIABILITY", "Liability"
    INCOME = "INCOME", "Income"
    EXPENSE = "EXPENSE", "Expense"


ACCOUNT_KINDS: dict[str, AccountKind] = {
    AccountCode.CASH: AccountKind.ASSET,
    AccountCode.DISBURSEMENT_CLEARING: AccountKind.LIABILITY,
    AccountCode.PRINCIPAL_RECEIVABLE: AccountKind.ASSET,
    AccountCode.INTEREST_RECEIVABLE: AccountKind.ASSET,
    AccountCode.FEE_RECEIVABLE: AccountKind.ASSET,
    AccountCode.PENALTY_RECEIVABLE: AccountKind.ASSET,
    AccountCode.ADVANCE_LIABILITY: AccountKind.LIABILITY,
    AccountCode.OVERPAYMENT_LIABILITY: AccountKind.LIABILITY,
    AccountCode.INTEREST_INCOME: AccountKind.INCOME,
    AccountCode.FEE_INCOME: AccountKind.INCOME,
    AccountCode.PENALTY_INCOME: AccountKind.INCOME,
    AccountCode.WAIVERS: AccountKind.EXPENSE,
    AccountCode.CREDIT_LOSSES: AccountKind.EXPENSE,
    AccountCode.RECOVERIES: AccountKind.INCOME,
    AccountCode.REVOLVING_RECEIVABLE: AccountKind.ASSET,
    AccountCode.MERCHANT_PAYABLE: AccountKind.LIABILITY,
    AccountCode.SUBSIDY_RECEIVABLE: AccountKind.ASSET,
    AccountCode.LOAN_LOSS_PROVISION: AccountKind.ASSET,
    AccountCode.PROVISION_EXPENSE: AccountKind.EXPENSE,
}


class EntryType(models.TextChoices):
    DISBURSEMENT = "DISBURSEMENT", "Disbursement"
    PAYOUT_SETTLED = "PAYOUT_SETTLED", "Payout settled"
    INTEREST_ACCRUAL = "INTEREST_ACCRUAL", "Interest accrual"
    FEE_DUE = "FEE_DUE", "Installment fee due"
    PENALTY = "PENALTY", "Penalty"
    REPAYMENT = "REPAYMENT", "Repayment"
    ADVANCE_APPLIED = "ADVANCE_APPLIED", "Advance applied"
    WAIVER = "WAIVER", "Waiver"
    WRITE_OFF = "WRITE_OFF", "Write-off"
    RECOVERY = "RECOVERY", "Recovery"
    REFUND = "REFUND", "Overpayment refund"
    REVERSAL = "REVERSAL", "Reversal"
    MANUAL_ADJUSTMENT = "MANUAL_ADJUSTMENT", "Manual adjustment"
    PURCHASE = "PURCHASE", "Purchase captured"
    PURCHASE_REFUND = "PURCHASE_REFUND", "Purchase refunded"
    PROVISION = "PROVISION", "Loan-loss provision"
    SUBSIDY_WITHHELD = "SUBSIDY_WITHHELD", "Merchant subsidy withheld"


class JournalEntry(models.Model):
    """A balanced, append-only journal entry (PRODUCT §3).

    PostgreSQL refuses an UPDATE or DELETE of entries and lines, and lines of an entry that do not
    sum to zero (migration 0002). A correction is a new entry that ``reverses`` the original.
    ``key`` makes a posting idempotent (e.g. one accrual per loan and date).
    """

    entry_type = models.CharField(
        max_length=20, choices=EntryType.choices, verbose_name=_("entry type")
    )
    value_date = models.DateField(verbose_name=_("value date"))
    # The day the entry is booked when that is not its value date: an entry whose value date
    # falls in a closed accounting period is booked on the first open day after it (PRODUCT
    # §13). Null means booked on the value date; the entry's period is that of the booking.
    booking_date = models.DateField(null=True, blank=True, verbose_name=_("booking date"))
    loan = models.ForeignKey(
        "servicing.Loan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("loan"),
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    key = models.CharField(
        max_length=100, null=True, blank=True, unique=True, verbose_name=_("idempotency key")
    )
    memo = models.CharField(max_length=200, blank=True, verbose_name=_("memo"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    posted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("posted at"))

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_journalentry"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["loan", "id"]),
            models.Index(fields=["value_date"]),
            models.Index(
                fields=["booking_date"],
                condition=Q(booking_date__isnull=False),
                name="journal_entry_booked_late",
            ),
            # Entries posted since a moment (the dashboard's summary refresh at close of
            # business): posted_at grows with the table, so a block range index is enough.
            BrinIndex(fields=["posted_at"], name="journal_entry_posted_brin"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_type} {self.value_date}"


class JournalLine(models.Model):
    """One side of an entry: ``amount`` > 0 debits the account, < 0 credits it.

    Lines carry the loan (the sub-ledger) and, where it applies, the installment number, so
    every balance of a loan and an installment can be explained line by line. The income side
    of a nightly posting is one line per chunk (the daily total, PRODUCT §3), without a loan.
    """

    # Indexed by the Meta indexes below (their first column), not by a second index of its own.
    # No database foreign key on entry, loan or revolving account: the lines' statement trigger
    # checks them once per statement (migration 0011; docs/ledger.md "References").
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
        db_constraint=False,
        verbose_name=_("entry"),
    )
    account = models.CharField(
        max_length=24, choices=AccountCode.choices, verbose_name=_("ledger account")
    )
    loan = models.ForeignKey(
        "servicing.Loan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("loan"),
    )
    installment_number = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("installment number")
    )
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("amount"))
    # The revolving account's sub-ledger (PRODUCT §10), as ``loan`` is a loan's.
    revolving_account = models.ForeignKey(
        "revolving.RevolvingAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("revolving account"),
    )

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_journalline"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["loan", "account"]),
            models.Index(fields=["entry"]),
            models.Index(
                fields=["revolving_account", "account"],
                condition=Q(revolving_account__isnull=False),
                name="journal_line_revolving",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="journal_line_amount_not_zero"),
            # A line belongs to one sub-ledger at most.
            models.CheckConstraint(
                condition=Q(loan__isnull=True) | Q(revolving_account__isnull=True),
                name="journal_line_one_subledger",
            ),
            models.CheckConstraint(
                condition=Q(account__in=AccountCode.values), name="journal_line_account_known"
            ),
        ]

    def __str__(self) -> str:
        # As the back office reads it (#23): "Dr Principal receivable ¥10,000.00".
        side = _("Dr") if self.amount > 0 else _("Cr")
        account = _(str(AccountCode(self.account).label)) if self.account in AccountCode else ""
        return f"{side} {account or self.account} ¥{abs(self.amount):,.2f}"


class AccountingPeriod(models.Model):
    """A calendar month of the books that has been closed (PRODUCT §13).

    While ``closed``, PostgreSQL refuses any journal entry booked in the month (the guard trigger
    of ledger migration 0006), and ``entry_post`` refuses it first with a clear message. A month
    with no row, or with ``closed`` false (reopened by two officers), is open.
    """

    month = models.DateField(
        unique=True, help_text=_("The first day of the month."), verbose_name=_("month")
    )
    closed = models.BooleanField(default=True, verbose_name=_("closed"))
    closed_at = models.DateTimeField(verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    reopened_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reopened at"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.TextField(blank=True, verbose_name=_("reopen reason"))

    class Meta:
        verbose_name = _("accounting period")
        verbose_name_plural = _("accounting periods")
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="accounting_period_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(closed=True) | Q(reopened_at__isnull=False),
                name="accounting_period_reopened_has_date",
            ),
        ]

    def __str__(self) -> str:
        state = "closed" if self.closed else "reopened"
        return f"{self.month:%Y-%m} ({state})"


class JournalEntryClaim(models.Model):
    """What must stay unique across the journal's partitions: keys and reversals (issue #20).

    A unique index of a partitioned table must hold its partition key, so the journal's own
    could only say "unique within a month". A trigger on the entries (migration 0007) claims an
    entry's ``key`` and ``reverses`` here as it is inserted, in the entry's transaction: a second
    entry with the same key, or a second reversal of an entry, fails as it did before. Written by
    that trigger only; append-only like the journal.
    """

    entry_id = models.BigIntegerField(primary_key=True, verbose_name=_("entry ID"))
    key = models.CharField(
        max_length=100, null=True, blank=True, unique=True, verbose_name=_("idempotency key")
    )
    reverses_id = models.BigIntegerField(
        null=True, blank=True, unique=True, verbose_name=_("reversed entry ID")
    )

    class Meta:
        verbose_name = _("journal entry claim")
        verbose_name_plural = _("journal entry claims")
        db_table = "ledger_journalentry_unique"
        constraints = [
            models.CheckConstraint(
                condition=Q(key__isnull=False) | Q(reverses_id__isnull=False),
                name="journal_entry_claim_claims",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.entry_id} {self.key or ''} {self.reverses_id or ''}".strip()
