from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from loans.servicing.models.loans import Installment, Loan


class ReminderKind(models.TextChoices):
    DUE_SOON = "DUE_SOON", "Due in 3 days"
    DUE_TODAY = "DUE_TODAY", "Due today"
    OVERDUE_1 = "OVERDUE_1", "1 day overdue"
    OVERDUE_7 = "OVERDUE_7", "7 days overdue"
    OVERDUE_30 = "OVERDUE_30", "30 days overdue"
    # Not a reminder of a due date: the notice that a loan was cancelled (PRODUCT §11), sent
    # through the same channels, once per channel. Never queued by close of business.
    PAYOUT_FAILED = "PAYOUT_FAILED", "Payout failed"
    # The notice that auto-debit stopped on the bank's answer (card invalid or frozen,
    # agreement revoked; PRODUCT §11): queued by the collection run, never by close of business.
    AUTO_DEBIT_STOPPED = "AUTO_DEBIT_STOPPED", "Auto-debit stopped"


# Days from the due date to the business date that triggers each kind (PRODUCT §5).
REMINDER_OFFSET_DAYS: dict[str, int] = {
    ReminderKind.DUE_SOON: -3,
    ReminderKind.DUE_TODAY: 0,
    ReminderKind.OVERDUE_1: 1,
    ReminderKind.OVERDUE_7: 7,
    ReminderKind.OVERDUE_30: 30,
}


# Kinds that mean nothing once the due date has passed: never queued after it.
REMINDER_BEFORE_DUE_KINDS = frozenset({ReminderKind.DUE_SOON, ReminderKind.DUE_TODAY})


class ReminderChannel(models.TextChoices):
    EMAIL = "EMAIL", "Email"
    SMS = "SMS", "SMS"


class ReminderStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    SENT = "SENT", "Sent"
    CANCELLED = "CANCELLED", "Cancelled"
    FAILED = "FAILED", "Failed"


class Reminder(models.Model):
    """A repayment reminder for one installment, kind and channel (PRODUCT §5).

    Queued set-based by close of business
    (``loans.servicing.services.reminders.reminders_queue``) and sent
    by ``reminders_send_due``. The unique constraint makes each (installment, kind, channel) be
    queued, hence sent, at most once. ``last_error`` holds an error class, never personal data.
    """

    # Indexed by reminder_once_per_channel (installment, kind, channel).
    installment = models.ForeignKey(
        Installment,
        on_delete=models.PROTECT,
        related_name="reminders",
        db_index=False,
        verbose_name=_("installment"),
    )
    # Denormalised from the installment so per-loan queries need no join.
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("loan")
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices, verbose_name=_("kind"))
    channel = models.CharField(
        max_length=8, choices=ReminderChannel.choices, verbose_name=_("channel")
    )
    business_date = models.DateField(verbose_name=_("business date"))
    language = models.CharField(max_length=8, verbose_name=_("language"))
    send_after = models.DateTimeField(verbose_name=_("send after"))
    status = models.CharField(
        max_length=10,
        choices=ReminderStatus.choices,
        default=ReminderStatus.QUEUED,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    provider_message_id = models.CharField(
        max_length=100, blank=True, verbose_name=_("provider message id")
    )
    last_error = models.CharField(max_length=200, blank=True, verbose_name=_("last error"))
    # A database default, as the queue inserts rows with SQL (INSERT … SELECT).
    created_at = models.DateTimeField(db_default=Now(), verbose_name=_("created at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_reminder"
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "send_after"], name="reminder_status_send_after")]
        constraints = [
            models.UniqueConstraint(
                fields=["installment", "kind", "channel"], name="reminder_once_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ReminderChannel.values), name="reminder_channel_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=ReminderStatus.SENT) & Q(sent_at__isnull=False))
                | (~Q(status=ReminderStatus.SENT) & Q(sent_at__isnull=True)),
                name="reminder_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} {self.kind} {self.channel} ({self.status})"
