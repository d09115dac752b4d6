"""Reminders of bills (PRODUCT §10, last line; §5 for channels, quiet hours and privacy).

One row per (bill, kind, channel): the database refuses a second, so each reminder of a bill is
queued, hence sent, at most once per channel, whatever reruns or catches up. Queued set-based at
close of business (``loans.revolving.services.reminders.bill_reminders_queue``), sent by
``bill_reminders_send_due`` through the same email and SMS backends as loan reminders.
``last_error`` holds an exception class or a fixed reason, never personal data.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from loans.servicing.models import ReminderChannel, ReminderStatus


class BillReminderKind(models.TextChoices):
    BILL_READY = "BILL_READY", "Bill ready"
    DUE_SOON = "DUE_SOON", "Due in 3 days"
    DUE_TODAY = "DUE_TODAY", "Due today"
    OVERDUE = "OVERDUE", "Overdue"
    # Queued by auto-debit, not by close of business: the bank refused the card for good.
    CARD_STOPPED = "CARD_STOPPED", "Auto-debit stopped"


class BillReminder(models.Model):
    # Indexed by bill_reminder_once_per_channel (statement, kind, channel).
    statement = models.ForeignKey(
        "revolving.Statement",
        on_delete=models.PROTECT,
        related_name="reminders",
        db_index=False,
        verbose_name=_("statement"),
    )
    # Denormalised from the bill so per-account queries need no join.
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="bill_reminders",
        verbose_name=_("account"),
    )
    kind = models.CharField(max_length=12, choices=BillReminderKind.choices, verbose_name=_("kind"))
    channel = models.CharField(
        max_length=8, choices=ReminderChannel.choices, verbose_name=_("channel")
    )
    # the close of business that queued it
    business_date = models.DateField(verbose_name=_("business date"))
    # the borrower's, when queued
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
        verbose_name = _("bill reminder")
        verbose_name_plural = _("bill reminders")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["send_after", "id"],
                condition=Q(status=ReminderStatus.QUEUED),
                name="bill_reminder_queued",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind", "channel"], name="bill_reminder_once_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BillReminderKind.values), name="bill_reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ReminderChannel.values),
                name="bill_reminder_channel_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status=ReminderStatus.SENT) & Q(sent_at__isnull=False))
                | (~Q(status=ReminderStatus.SENT) & Q(sent_at__isnull=True)),
                name="bill_reminder_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Bill reminder {self.pk} {self.kind} {self.channel} ({self.status})"
