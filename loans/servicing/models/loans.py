"""Loans, their schedule rows and the repayments received (PRODUCT §2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Borrower, Partner
from loans.domain.delinquency import Bucket
from loans.domain.schedule import RepaymentMethod
from loans.fields import ZERO, balance_field, money_field, rate_field
from loans.servicing.models.credit_lines import CreditLine


class LoanStatus(models.TextChoices):
    PENDING_DISBURSEMENT = "PENDING_DISBURSEMENT", "Pending disbursement"
    ACTIVE = "ACTIVE", "Active"
    PAID_OFF = "PAID_OFF", "Paid off"
    WRITTEN_OFF = "WRITTEN_OFF", "Written off"
    CANCELLED = "CANCELLED", "Cancelled"


class LoanCancelReason(models.TextChoices):
    """Why a loan was cancelled; blank for a draw cancelled before disbursement."""

    PAYOUT_FAILED = "PAYOUT_FAILED", "Payout failed"


class Loan(models.Model):
    """A draw on a credit line: its terms (copied from the product at draw), contract evidence,
    and balances.

    The ``*_amount`` balances are a projection of the loan's sub-ledger, changed only by
    ``loans.servicing.services.posting.loan_entry_post``; ``manage.py reconcile`` proves they
    match the journal.
    """

    # Indexed by ("borrower", "status") below.
    borrower = models.ForeignKey(
        Borrower,
        on_delete=models.PROTECT,
        related_name="loans",
        db_index=False,
        verbose_name=gettext_lazy("borrower"),
    )
    credit_line = models.ForeignKey(
        CreditLine,
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=gettext_lazy("credit line"),
    )
    product = models.ForeignKey(
        "origination.LoanProduct",
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=gettext_lazy("product"),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=gettext_lazy("partner"),
    )
    status = models.CharField(
        max_length=24, choices=LoanStatus.choices, verbose_name=gettext_lazy("status")
    )
    principal_amount = money_field(verbose_name=gettext_lazy("principal amount"))
    term = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("term"))
    method = models.CharField(
        max_length=20,
        choices=[(m.value, m.value) for m in RepaymentMethod],
        verbose_name=gettext_lazy("method"),
    )
    annual_rate = rate_field(verbose_name=gettext_lazy("annual rate"))
    fee_rate = rate_field(default=Decimal("0"), verbose_name=gettext_lazy("fee rate"))
    apr = rate_field(verbose_name=gettext_lazy("APR"))
    penalty_multiplier = models.DecimalField(
        max_digits=4, decimal_places=2, verbose_name=gettext_lazy("penalty multiplier")
    )
    grace_days = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("grace days"))
    write_off_days = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("write off days"))
    rate_cap = rate_field(verbose_name=gettext_lazy("rate cap"))
    allocation_rules = models.JSONField(verbose_name=gettext_lazy("allocation rules"))
    drawn_date = models.DateField(verbose_name=gettext_lazy("drawn date"))
    disbursed_date = models.DateField(
        null=True, blank=True, verbose_name=gettext_lazy("disbursed date")
    )
    closed_date = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("closed date"))
    # PAYOUT_FAILED: the bank refused the payout, the loan was undone (PRODUCT §11). A default
    # in the database too, for the set-based inserts of seed_portfolio.
    cancel_reason = models.CharField(
        max_length=16,
        choices=LoanCancelReason.choices,
        blank=True,
        db_default="",
        verbose_name=gettext_lazy("cancel reason"),
    )
    # Contract acceptance evidence (PRODUCT §2.2, issue #3): what was shown and how it was signed.
    contract_version = models.CharField(
        max_length=32, verbose_name=gettext_lazy("contract version")
    )
    contract_hash = models.CharField(max_length=64, verbose_name=gettext_lazy("contract hash"))
    accepted_at = models.DateTimeField(verbose_name=gettext_lazy("accepted at"))
    accepted_ip = models.GenericIPAddressField(
        null=True, blank=True, verbose_name=gettext_lazy("accepted from IP")
    )
    accepted_user_agent = models.CharField(
        max_length=500, blank=True, verbose_name=gettext_lazy("accepted user agent")
    )
    signature_name = models.CharField(max_length=30, verbose_name=gettext_lazy("signature name"))
    # The single-use token of the signed form that drew it: a resubmit finds this loan (#16).
    # NULL when there is none (API draws, SQL-written seeds), so the unique index holds only tokens.
    draw_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False, verbose_name=gettext_lazy("draw key")
    )
    # Balances of the sub-ledger (see loans.servicing.services.posting.BALANCE_FIELDS).
    principal_outstanding_amount = balance_field(
        verbose_name=gettext_lazy("principal outstanding amount")
    )
    interest_receivable_amount = balance_field(
        verbose_name=gettext_lazy("interest receivable amount")
    )
    fee_receivable_amount = balance_field(verbose_name=gettext_lazy("fee receivable amount"))
    penalty_receivable_amount = balance_field(
        verbose_name=gettext_lazy("penalty receivable amount")
    )
    advance_amount = balance_field(verbose_name=gettext_lazy("advance amount"))
    overpayment_amount = balance_field(verbose_name=gettext_lazy("overpayment amount"))
    days_past_due = models.PositiveIntegerField(
        default=0, verbose_name=gettext_lazy("days past due")
    )
    write_off_candidate_since = models.DateField(
        null=True, blank=True, verbose_name=gettext_lazy("write off candidate since")
    )
    bucket = models.CharField(
        max_length=8,
        choices=[(b.value, b.value) for b in Bucket],
        default=Bucket.CURRENT,
        verbose_name=gettext_lazy("bucket"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("loan")
        verbose_name_plural = gettext_lazy("loans")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_loan"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["borrower", "status"]),
            models.Index(fields=["bucket", "status"]),
            # The collections worklist: overdue active loans, worst first (issue #6).
            models.Index(
                fields=["-days_past_due", "-id"],
                condition=Q(status="ACTIVE", days_past_due__gt=0),
                name="loan_overdue_worklist",
            ),
            # The dashboard's stock figures: an index-only scan (0.22 s at 1,000,000 loans,
            # against 0.75 s for the table scan) while the visibility map is fresh. Only
            # columns that close of business leaves alone: an indexed column it updates (the
            # receivables, nightly) would make every loan's nightly update touch every index
            # instead of a HOT update (loan balances went from 1.2 to 3.7-5 s per 100,000).
            models.Index(
                fields=["bucket"],
                # disbursed_date for the roll rates' opening stock; it never changes, so it
                # keeps the nightly updates HOT (principal changes only with repayments).
                include=["principal_outstanding_amount", "disbursed_date"],
                condition=Q(status="ACTIVE"),
                name="loan_active_stock",
            ),
            # Loans closed in a window (the roll rates' closed column).
            models.Index(
                fields=["closed_date"],
                condition=Q(closed_date__isnull=False),
                name="loan_closed_on",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["borrower", "draw_key"],
                condition=Q(draw_key__isnull=False),
                name="loan_one_per_signature",
            ),
            models.CheckConstraint(
                condition=Q(principal_amount__gte=Decimal("100.00"))
                & Q(principal_amount__lte=Decimal("30000.00")),
                name="loan_principal_within_platform_range",
            ),
            models.CheckConstraint(condition=Q(term__gte=1), name="loan_term_positive"),
            models.CheckConstraint(
                condition=Q(apr__lte=F("rate_cap")) & Q(annual_rate__lte=F("rate_cap")),
                name="loan_within_rate_cap",
            ),
            models.CheckConstraint(
                condition=Q(principal_outstanding_amount__gte=0)
                & Q(principal_outstanding_amount__lte=F("principal_amount"))
                & Q(interest_receivable_amount__gte=0)
                & Q(fee_receivable_amount__gte=0)
                & Q(penalty_receivable_amount__gte=0)
                & Q(advance_amount__gte=0)
                & Q(overpayment_amount__gte=0),
                name="loan_balances_not_negative",
            ),
            # Only a cancelled loan has a reason, and a payout can fail only once disbursed.
            models.CheckConstraint(
                condition=Q(cancel_reason="")
                | Q(
                    status=LoanStatus.CANCELLED,
                    cancel_reason__in=LoanCancelReason.values,
                    disbursed_date__isnull=False,
                ),
                name="loan_cancel_reason_when_cancelled",
            ),
        ]

    def __str__(self) -> str:
        # Shown in the back office's lists and titles: the status as its translated label.
        status = _(str(self.get_status_display()))  # the labels are in the catalogue (readable.py)
        return _("Loan %(id)s (%(status)s)") % {"id": self.pk, "status": status}


class Installment(models.Model):
    """One row of a loan's schedule and what has been charged and paid on it.

    Interest is earned by daily accrual (PRODUCT §2.3): ``interest_accrued_amount`` is the
    cursor, accrued from ``accrual_start_date`` with ``accrual_base_amount`` already fixed before
    it (non-zero only after a prepayment re-amortised the period). Fees are charged on the due
    date, penalty daily once overdue.
    """

    # Indexed by installment_number_unique (loan, number).
    loan = models.ForeignKey(
        Loan,
        on_delete=models.PROTECT,
        related_name="installments",
        db_index=False,
        verbose_name=gettext_lazy("loan"),
    )
    number = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("installment number"))
    period_start = models.DateField(verbose_name=gettext_lazy("period start"))
    due_date = models.DateField(verbose_name=gettext_lazy("due date"))
    principal_amount = money_field(verbose_name=gettext_lazy("principal amount"))
    interest_amount = money_field(verbose_name=gettext_lazy("interest amount"))
    fee_amount = money_field(verbose_name=gettext_lazy("fee amount"))
    accrual_start_date = models.DateField(verbose_name=gettext_lazy("accrual start date"))
    accrual_base_amount = balance_field(verbose_name=gettext_lazy("accrual base amount"))
    interest_accrued_amount = balance_field(verbose_name=gettext_lazy("interest accrued amount"))
    fee_charged_amount = balance_field(verbose_name=gettext_lazy("fee charged amount"))
    penalty_charged_amount = balance_field(verbose_name=gettext_lazy("penalty charged amount"))
    principal_paid_amount = balance_field(verbose_name=gettext_lazy("principal paid amount"))
    interest_paid_amount = balance_field(verbose_name=gettext_lazy("interest paid amount"))
    fee_paid_amount = balance_field(verbose_name=gettext_lazy("fee paid amount"))
    penalty_paid_amount = balance_field(verbose_name=gettext_lazy("penalty paid amount"))
    interest_waived_amount = balance_field(verbose_name=gettext_lazy("interest waived amount"))
    fee_waived_amount = balance_field(verbose_name=gettext_lazy("fee waived amount"))
    penalty_waived_amount = balance_field(verbose_name=gettext_lazy("penalty waived amount"))
    paid_date = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("paid date"))

    class Meta:
        verbose_name = gettext_lazy("installment")
        verbose_name_plural = gettext_lazy("installments")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_installment"
        ordering = ["loan", "number"]
        indexes = [
            models.Index(
                fields=["due_date", "loan"],
                condition=Q(paid_date__isnull=True),
                name="installment_unpaid_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="installment_number_unique"),
            models.CheckConstraint(
                condition=Q(period_start__lt=F("due_date"))
                & Q(accrual_start_date__gte=F("period_start"))
                & Q(accrual_start_date__lte=F("due_date")),
                name="installment_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(principal_amount__gte=0)
                & Q(interest_amount__gte=0)
                & Q(fee_amount__gte=0)
                & Q(accrual_base_amount__gte=0)
                & Q(accrual_base_amount__lte=F("interest_amount")),
                name="installment_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(principal_paid_amount__gte=0)
                & Q(principal_paid_amount__lte=F("principal_amount"))
                & Q(interest_accrued_amount__gte=0)
                & Q(interest_accrued_amount__lte=F("interest_amount"))
                & Q(interest_paid_amount__gte=0)
                & Q(fee_charged_amount__gte=0)
                & Q(fee_charged_amount__lte=F("fee_amount"))
                & Q(fee_paid_amount__gte=0)
                & Q(penalty_charged_amount__gte=0)
                & Q(penalty_paid_amount__gte=0)
                & Q(interest_waived_amount__gte=0)
                & Q(fee_waived_amount__gte=0)
                & Q(penalty_waived_amount__gte=0),
                name="installment_progress_within_schedule",
            ),
            models.CheckConstraint(
                condition=Q(
                    interest_paid_amount__lte=F("interest_accrued_amount")
                    - F("interest_waived_amount")
                )
                & Q(fee_paid_amount__lte=F("fee_charged_amount") - F("fee_waived_amount"))
                & Q(
                    penalty_paid_amount__lte=F("penalty_charged_amount")
                    - F("penalty_waived_amount")
                ),
                name="installment_paid_within_charged",
            ),
        ]

    def __str__(self) -> str:
        return _("Loan %(loan)s, installment %(number)s, due %(date)s") % {
            "loan": self.loan_id,
            "number": self.number,
            "date": self.due_date.isoformat(),
        }

    @property
    def total_amount(self) -> Decimal:
        return self.principal_amount + self.interest_amount + self.fee_amount


class RepaymentChannel(models.TextChoices):
    PORTAL = "PORTAL", "Borrower portal"
    PARTNER = "PARTNER", "Partner API"
    BACK_OFFICE = "BACK_OFFICE", "Back office"
    AUTO_DEBIT = "AUTO_DEBIT", "Auto-debit"


class RepaymentStatus(models.TextChoices):
    POSTED = "POSTED", "Posted"
    REVERSED = "REVERSED", "Reversed"


class Repayment(models.Model):
    """Money received for a loan and where it went (PRODUCT §2.5).

    Never edited: a mistaken repayment is reversed by a linked journal entry, and the repayments
    after it are reversed and posted again in date order (``replay_of`` links the new one to the
    one it replaces).
    """

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=gettext_lazy("loan")
    )
    amount = money_field(verbose_name=gettext_lazy("amount"))
    value_date = models.DateField(verbose_name=gettext_lazy("value date"))
    channel = models.CharField(
        max_length=12, choices=RepaymentChannel.choices, verbose_name=gettext_lazy("channel")
    )
    reference = models.CharField(max_length=100, blank=True, verbose_name=gettext_lazy("reference"))
    prepayment_mode = models.CharField(
        max_length=20, blank=True, verbose_name=gettext_lazy("prepayment mode")
    )
    status = models.CharField(
        max_length=8,
        choices=RepaymentStatus.choices,
        default=RepaymentStatus.POSTED,
        verbose_name=gettext_lazy("status"),
    )
    allocation = models.JSONField(default=list, verbose_name=gettext_lazy("allocation"))
    advance_amount = money_field(default=ZERO, verbose_name=gettext_lazy("advance amount"))
    overpayment_amount = money_field(default=ZERO, verbose_name=gettext_lazy("overpayment amount"))
    prepaid_principal_amount = money_field(
        default=ZERO, verbose_name=gettext_lazy("prepaid principal amount")
    )
    # The schedule rows a prepayment replaced, to restore them if this repayment is reversed.
    schedule_before = models.JSONField(
        null=True, blank=True, verbose_name=gettext_lazy("schedule before")
    )
    entry = models.OneToOneField(
        "ledger.JournalEntry",
        on_delete=models.PROTECT,
        related_name="repayment",
        verbose_name=gettext_lazy("entry"),
    )
    replay_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replayed_by",
        verbose_name=gettext_lazy("replay of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("repayment")
        verbose_name_plural = gettext_lazy("repayments")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_repayment"
        ordering = ["value_date", "id"]
        indexes = [models.Index(fields=["loan", "value_date", "id"])]
        permissions = [("reverse_repayment", "Can reverse a posted repayment")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(advance_amount__gte=0)
                & Q(overpayment_amount__gte=0)
                & Q(prepaid_principal_amount__gte=0),
                name="repayment_parts_not_negative",
            ),
            # A partner's reference names one payment: posted once per loan, whatever the
            # Idempotency-Key (partner_repayment_post). A reversed one frees it; its replay
            # carries it again once the original is reversed.
            models.UniqueConstraint(
                fields=["loan", "reference"],
                condition=Q(channel="PARTNER", status="POSTED") & ~Q(reference=""),
                name="repayment_partner_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return _("Repayment %(id)s of loan %(loan)s: %(amount)s (%(status)s)") % {
            "id": self.pk,
            "loan": self.loan_id,
            "amount": f"¥{self.amount:,.2f}",
            "status": _(str(self.get_status_display())),
        }
