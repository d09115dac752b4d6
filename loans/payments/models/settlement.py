"""Settlement files (对账, PRODUCT §11): the gateway's daily file and what did not match.

A ``SettlementFile`` is one imported file (its SHA-256 is unique: the same file twice is one
import). Every line is matched to our record; where the two sides disagree, a
``SettlementDifference`` waits in the finance queue with the action that resolves it. Written
only by ``loans.payments.settlement``; docs/rails.md "Settlement files" has the format.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SettlementKind(models.TextChoices):
    CHARGE = "CHARGE", _("Auto-debit charge")
    PAYMENT = "PAYMENT", _("Portal payment")
    PAYOUT = "PAYOUT", _("Payout")
    REFUND = "REFUND", _("Refund")


class SettlementStatus(models.TextChoices):
    SUCCEEDED = "SUCCEEDED", _("Succeeded")
    FAILED = "FAILED", _("Failed")


class DifferenceKind(models.TextChoices):
    NOT_OURS = "NOT_OURS", _("In the file, unknown to us")
    MISSING = "MISSING", _("Ours, missing from the file")
    AMOUNT = "AMOUNT", _("Other amount")
    STATUS = "STATUS", _("Other status")
    UNAPPLIED = "UNAPPLIED", _("Money taken that no loan took")


class DifferenceAction(models.TextChoices):
    """How finance resolves a difference; the label is the sentence the queue shows."""

    ASK_GATEWAY = (
        "ASK_GATEWAY",
        _(
            "Ask the gateway for this transaction: we have no record of it. Have money taken "
            "without our order returned."
        ),
    )
    POST_OR_REFUND = (
        "POST_OR_REFUND",
        _("Money was taken that we did not post: post the repayment, or refund the borrower."),
    )
    REVERSE_REPAYMENT = (
        "REVERSE_REPAYMENT",
        _("The gateway says no money came: reverse the repayment we posted."),
    )
    REFUND_BORROWER = (
        "REFUND_BORROWER",
        _(
            "The money came but no loan could take it (the loan was closed): refund it to the "
            "borrower."
        ),
    )
    CORRECT_AMOUNT = (
        "CORRECT_AMOUNT",
        _(
            "The amounts differ: ask the gateway which is right, then refund the excess or collect "
            "the rest."
        ),
    )
    QUERY_CHARGE = (
        "QUERY_CHARGE",
        _(
            "The gateway does not list this charge: query it by its key; if the gateway never saw "
            "it, no money moved."
        ),
    )
    CONFIRM_RECEIVED = (
        "CONFIRM_RECEIVED",
        _(
            "We posted a repayment the gateway does not list: confirm the money arrived, else "
            "reverse the repayment."
        ),
    )
    FAIL_OR_PAY_PAYOUT = (
        "FAIL_OR_PAY_PAYOUT",
        _(
            "The gateway does not list this payout: fail it (REFUSED, the loan is cancelled) or "
            "pay it by hand."
        ),
    )
    CONFIRM_PAYOUT = (
        "CONFIRM_PAYOUT",
        _(
            "We recorded this payout settled but the gateway does not list it: confirm the "
            "borrower was paid."
        ),
    )
    RECOVER_PAYOUT = (
        "RECOVER_PAYOUT",
        _(
            "The bank paid a payout we recorded as refused (the loan is cancelled): recover the "
            "money from the borrower or put the loan back by hand."
        ),
    )
    REPEAT_REFUND = (
        "REPEAT_REFUND",
        _("The refund did not reach the borrower: pay it again or reverse the refund entry."),
    )
    NO_MONEY_MOVED = (
        "NO_MONEY_MOVED",
        _("A failure for something we never sent: no money moved; note it and close."),
    )


class DifferenceState(models.TextChoices):
    OPEN = "OPEN", _("Open")
    RESOLVED = "RESOLVED", _("Resolved")
    # A corrected file of the same date was imported: its own differences replace these.
    SUPERSEDED = "SUPERSEDED", _("Replaced by a corrected file")


class SettlementFile(models.Model):
    """One imported settlement file: its date, its digest, and what the import found."""

    settlement_date = models.DateField(db_index=True, verbose_name=_("settlement date"))
    sha256 = models.CharField(max_length=64, unique=True, verbose_name=_("SHA-256"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    line_count = models.PositiveIntegerField(verbose_name=_("line count"))
    imported_at = models.DateTimeField(auto_now_add=True, verbose_name=_("imported at"))
    # Set when every line and the missing-from-file check are done; an import that stopped
    # before is resumed by importing the same file again.
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))

    class Meta:
        verbose_name = _("settlement file")
        verbose_name_plural = _("settlement files")
        ordering = ["-settlement_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="settlement_file_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"Settlement file {self.settlement_date} ({self.name})"


class SettlementDifference(models.Model):
    """A line of a settlement file and our record that disagree, or a record the file lacks."""

    file = models.ForeignKey(
        SettlementFile, on_delete=models.PROTECT, related_name="differences", verbose_name=_("file")
    )
    settlement_date = models.DateField(verbose_name=_("settlement date"))
    # none: missing from file
    line_number = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("line number"))
    kind = models.CharField(max_length=8, choices=SettlementKind.choices, verbose_name=_("kind"))
    our_key = models.CharField(max_length=100, verbose_name=_("our key"))
    difference = models.CharField(
        max_length=10, choices=DifferenceKind.choices, verbose_name=_("difference")
    )
    # Money columns like money_field's, nullable: a side without a record has no amount.
    file_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("file amount")
    )
    file_status = models.CharField(max_length=10, blank=True, verbose_name=_("file status"))
    our_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("our amount")
    )
    our_status = models.CharField(max_length=10, blank=True, verbose_name=_("our status"))
    gateway_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("gateway reference")
    )
    action = models.CharField(
        max_length=20, choices=DifferenceAction.choices, verbose_name=_("action")
    )
    state = models.CharField(
        max_length=10,
        choices=DifferenceState.choices,
        default=DifferenceState.OPEN,
        verbose_name=_("state"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["state", "-settlement_date", "id"]
        verbose_name = _("settlement difference")
        verbose_name_plural = _("settlement differences (finance queue)")
        indexes = [
            # The queue: open differences first, newest date first.
            models.Index(fields=["state", "-settlement_date", "id"], name="settlement_diff_queue"),
            models.Index(fields=["settlement_date", "kind", "our_key"], name="settlement_diff_key"),
        ]
        constraints = [
            # One difference per file and record: importing a file again adds none.
            models.UniqueConstraint(
                fields=["file", "kind", "our_key"], name="settlement_diff_once_per_file"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SettlementKind.values), name="settlement_diff_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(difference__in=DifferenceKind.values),
                name="settlement_diff_difference_known",
            ),
            models.CheckConstraint(
                condition=Q(action__in=DifferenceAction.values),
                name="settlement_diff_action_known",
            ),
            models.CheckConstraint(condition=~Q(our_key=""), name="settlement_diff_has_key"),
            # A line of the file has a number, amount and status; a missing one has none.
            models.CheckConstraint(
                condition=(
                    Q(difference="MISSING")
                    & Q(line_number__isnull=True, file_amount__isnull=True, file_status="")
                )
                | (
                    ~Q(difference="MISSING")
                    & Q(
                        line_number__gt=0,
                        file_amount__gt=0,
                        file_status__in=["SUCCEEDED", "FAILED"],
                    )
                ),
                name="settlement_diff_line_shape",
            ),
            models.CheckConstraint(
                condition=Q(our_amount__isnull=True) | Q(our_amount__gt=0),
                name="settlement_diff_our_amount_positive",
            ),
            # Resolved: by whom, when, with a note. Superseded: when. Open: neither.
            models.CheckConstraint(
                condition=(Q(state="OPEN") & Q(resolved_at__isnull=True, resolved_by__isnull=True))
                | (
                    Q(state="RESOLVED")
                    & Q(resolved_at__isnull=False, resolved_by__isnull=False)
                    & ~Q(note="")
                )
                | (Q(state="SUPERSEDED") & Q(resolved_at__isnull=False, resolved_by__isnull=True)),
                name="settlement_diff_resolution_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.our_key}: {self.difference} ({self.state})"
