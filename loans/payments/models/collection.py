"""The auto-debit collection run: one run per business date, its attempts (代扣, PRODUCT §11).

An attempt is one charge of a bound card for what a loan owes: planned set-based for the day
(``CollectionRun``), sent by a worker under the gateway's rate limit, and decided by whichever of
the gateway's answer, its callback, a query or the settlement file says so first. The states and
their moves are drawn in docs/rails.md ("The states of an attempt").
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.fields import money_field
from loans.payments.models.cards import CardBinding
from loans.servicing.models import Loan, Repayment


class CollectionRunStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    SENDING = "SENDING", "Sending"
    DONE = "DONE", "Done"


class CollectionRun(models.Model):
    """The auto-debit run of one business date: planned once, then sent in chunks."""

    business_date = models.DateField(unique=True, verbose_name=_("business date"))
    status = models.CharField(
        max_length=8,
        choices=CollectionRunStatus.choices,
        default=CollectionRunStatus.PLANNED,
        verbose_name=_("status"),
    )
    # first attempts planned for the date
    planned = models.PositiveIntegerField(default=0, verbose_name=_("attempts planned"))
    chunks = models.PositiveIntegerField(default=0, verbose_name=_("chunks"))
    # When the date's first attempts were planned; None while the run holds only retries that
    # earlier dates scheduled onto it (``collection_plan`` has not run for the date yet).
    planned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("planned at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("collection run")
        verbose_name_plural = _("collection runs")
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"Collection run {self.business_date} ({self.status})"


class AttemptStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"  # waits for its time (scheduled_at)
    SENDING = "SENDING", "Sending"  # committed just before the gateway is called
    PENDING = "PENDING", "Outcome unknown"  # timeout or PENDING: queried, never sent again
    SUCCEEDED = "SUCCEEDED", "Succeeded"
    FAILED = "FAILED", "Failed"
    CANCELLED = "CANCELLED", "Not sent"  # nothing due any more, auto-debit off, loan closed


IN_FLIGHT = (AttemptStatus.SENDING, AttemptStatus.PENDING)


class AttemptCancelReason(models.TextChoices):
    NOTHING_DUE = "NOTHING_DUE", "Nothing due: paid meanwhile"
    AUTO_DEBIT_OFF = "AUTO_DEBIT_OFF", "Auto-debit switched off"
    LOAN_NOT_ACTIVE = "LOAN_NOT_ACTIVE", "Loan not active"
    WINDOW_CLOSED = "WINDOW_CLOSED", "Outside the day's window"
    ACCOUNT_CLOSED = "ACCOUNT_CLOSED", "Revolving account closed"


class CollectionAttempt(models.Model):
    """One charge of a bound card for what a loan owes (PRODUCT §11).

    ``key`` is the merchant order number the gateway sees: a charge sent twice with one key moves
    money once. At most one attempt per loan is in flight (SENDING or PENDING): a partial unique
    index. A success posts its repayment exactly once (``repayment`` is one-to-one and the status
    leaves SENDING/PENDING once). ``due_date`` is the due date the series collects: its retries
    are timed from it (``loans.domain.auto_debit``). Written only by ``loans.payments.collection``.
    """

    run = models.ForeignKey(
        CollectionRun, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("run")
    )
    # What it collects: a loan's installments, or a revolving account's bills (then the bill
    # whose due date started the series); exactly one of the two (a database constraint).
    loan = models.ForeignKey(
        Loan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collection_attempts",
        verbose_name=_("loan"),
    )
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collection_attempts",
        verbose_name=_("account"),
    )
    statement = models.ForeignKey(
        "revolving.Statement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collection_attempts",
        verbose_name=_("statement"),
    )
    binding = models.ForeignKey(
        CardBinding,
        on_delete=models.PROTECT,
        related_name="attempts",
        verbose_name=_("card binding"),
    )
    key = models.CharField(max_length=64, unique=True, verbose_name=_("idempotency key"))
    due_date = models.DateField(verbose_name=_("due date"))
    # 0: the first; then retries, parts
    sequence = models.PositiveSmallIntegerField(default=0, verbose_name=_("sequence"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    scheduled_at = models.DateTimeField(verbose_name=_("scheduled at"))
    chunk = models.PositiveIntegerField(default=0, verbose_name=_("chunk"))
    # planned; set to what is charged when it is sent
    amount = money_field(verbose_name=_("amount"))
    status = models.CharField(
        max_length=10,
        choices=AttemptStatus.choices,
        default=AttemptStatus.PLANNED,
        verbose_name=_("status"),
    )
    # a gateway.ChargeOutcome
    outcome = models.CharField(max_length=20, blank=True, verbose_name=_("outcome"))
    cancel_reason = models.CharField(
        max_length=16,
        choices=AttemptCancelReason.choices,
        blank=True,
        verbose_name=_("cancel reason"),
    )
    # answer, callback, query, file
    decided_by = models.CharField(max_length=10, blank=True, verbose_name=_("outcome from"))
    gateway_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("gateway reference")
    )
    repayment = models.OneToOneField(
        Repayment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attempt",
        verbose_name=_("repayment"),
    )
    # A bill's success: the payment on the revolving account (one-to-one, as ``repayment``).
    revolving_payment = models.OneToOneField(
        "revolving.RevolvingPayment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attempt",
        verbose_name=_("revolving payment"),
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("outcome at"))
    queried_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queried at"))
    query_count = models.PositiveIntegerField(default=0, verbose_name=_("query count"))
    # A part of a charge split under the bank's single-payment limit: never sent for more than
    # its planned amount (a whole attempt is sent for what is due when it is sent).
    part = models.BooleanField(default=False, verbose_name=_("part of a split charge"))
    # SUCCEEDED, but the loan took no repayment any more (closed meanwhile): the money is owed
    # back to the borrower; finance refunds it (the settlement helper's finance queue lists it).
    unapplied = models.BooleanField(default=False, verbose_name=_("unapplied"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("collection attempt")
        verbose_name_plural = _("collection attempts")
        ordering = ["-id"]
        indexes = [
            # What is due to be sent, by chunk (the chunk task's read).
            models.Index(
                fields=["run", "chunk", "scheduled_at"],
                condition=Q(status="PLANNED"),
                name="attempt_planned",
            ),
            # What is in flight, oldest first (the query sweep).
            models.Index(
                fields=["sent_at"],
                condition=Q(status__in=["SENDING", "PENDING"]),
                name="attempt_in_flight",
            ),
            # Money taken that no repayment holds: the finance queue's read.
            models.Index(
                fields=["decided_at"], condition=Q(unapplied=True), name="attempt_unapplied"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="attempt_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=AttemptStatus.values), name="attempt_status_known"
            ),
            models.UniqueConstraint(
                fields=["loan"],
                condition=Q(status__in=["SENDING", "PENDING"]),
                name="attempt_one_in_flight_per_loan",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=["SENDING", "PENDING"]),
                name="attempt_one_in_flight_per_account",
            ),
            # Planning twice plans nothing new: one first attempt per loan (or account) and
            # due date.
            models.UniqueConstraint(
                fields=["loan", "due_date", "sequence"], name="attempt_once_per_sequence"
            ),
            models.UniqueConstraint(
                fields=["account", "due_date", "sequence"],
                name="attempt_once_per_sequence_of_account",
            ),
            models.CheckConstraint(
                condition=Q(loan__isnull=False, account__isnull=True, statement__isnull=True)
                | Q(loan__isnull=True, account__isnull=False, statement__isnull=False),
                name="attempt_collects_loan_or_bill",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["SENDING", "PENDING", "SUCCEEDED", "FAILED"])
                | Q(sent_at__isnull=False),
                name="attempt_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["SUCCEEDED", "FAILED", "CANCELLED"])
                | Q(decided_at__isnull=False),
                name="attempt_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="CANCELLED", cancel_reason__in=AttemptCancelReason.values)
                | (~Q(status="CANCELLED") & Q(cancel_reason="")),
                name="attempt_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(repayment__isnull=True) | Q(status="SUCCEEDED"),
                name="attempt_repayment_only_on_success",
            ),
            models.CheckConstraint(
                condition=Q(revolving_payment__isnull=True)
                | Q(status="SUCCEEDED", account__isnull=False),
                name="attempt_revolving_payment_only_on_success",
            ),
            models.CheckConstraint(
                condition=Q(unapplied=False)
                | Q(status="SUCCEEDED", repayment__isnull=True, revolving_payment__isnull=True),
                name="attempt_unapplied_is_success_without_repayment",
            ),
        ]

    def __str__(self) -> str:
        what = f"loan {self.loan_id}" if self.loan_id else f"revolving account {self.account_id}"
        return f"Attempt {self.key} on {what}: {self.amount} ({self.status})"
