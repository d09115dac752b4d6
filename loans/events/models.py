"""The outbox of partner events and its webhook deliveries (PRODUCT §7).

Written in the transaction of the change by loans.events.services.outbox; sent by
loans.events.services.webhooks. The loans are named by label: this app sits below servicing.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner


class WebhookEventType(models.TextChoices):
    CREDIT_APPLICATION_DECIDED = "credit_application.decided", "Credit application decided"
    LOAN_DISBURSED = "loan.disbursed", "Loan disbursed"
    REPAYMENT_POSTED = "repayment.posted", "Repayment posted"
    REPAYMENT_REVERSED = "repayment.reversed", "Repayment reversed"
    INSTALLMENT_OVERDUE = "installment.overdue", "Installment overdue"
    LOAN_BUCKET_CHANGED = "loan.bucket_changed", "Loan bucket changed"
    LOAN_PAID_OFF = "loan.paid_off", "Loan paid off"
    LOAN_WRITTEN_OFF = "loan.written_off", "Loan written off"
    LOAN_PAYOUT_FAILED = "loan.payout_failed", "Loan payout failed, loan cancelled"
    ORDER_CAPTURED = "order.captured", "Checkout order captured"
    ORDER_REFUNDED = "order.refunded", "Checkout order refunded"
    STATEMENT_ISSUED = "statement.issued", "Revolving bill issued"
    ACCOUNT_OVERDUE = "account.overdue", "Revolving account overdue"


class OutboxEvent(models.Model):
    """Something a partner is told about, written in the transaction of the change.

    ``sequence`` orders the event feed: numbered after commit, in order, by
    loans.events.services.outbox.outbox_events_sequence, so an event that commits late is numbered
    after every event already served and a reader resuming after the last one misses nothing.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    loan = models.ForeignKey(
        "servicing.Loan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("loan"),
    )
    event_type = models.CharField(
        max_length=40, choices=WebhookEventType.choices, verbose_name=_("event type")
    )
    data = models.JSONField(default=dict, verbose_name=_("data"))
    created_at = models.DateTimeField(db_default=Now(), verbose_name=_("created at"))
    # The request that caused the event (X-Request-Id, #21), sent with its webhooks; "" for
    # events of close of business and of tasks beat started.
    request_id = models.CharField(
        max_length=64, blank=True, db_default="", verbose_name=_("request ID")
    )
    sequence = models.BigIntegerField(
        null=True, blank=True, unique=True, verbose_name=_("sequence")
    )
    # The close-of-business event it was copied from (one outbox row per loan event).
    source_event = models.OneToOneField(
        "servicing.LoanEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source event"),
    )

    class Meta:
        verbose_name = _("partner event")
        verbose_name_plural = _("partner events")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_outboxevent"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["partner", "sequence"], name="outbox_feed_order"),
            models.Index(
                fields=["id"], condition=Q(sequence__isnull=True), name="outbox_unnumbered"
            ),
        ]

    def __str__(self) -> str:
        return f"Event {self.pk} {self.event_type}"


class WebhookSubscription(models.Model):
    """Where a partner wants its events POSTed, and the secret that signs them.

    The secret (``whsec_`` + base64, loans.events.services.signing) is stored encrypted with the
    personal-data keys (accounts.crypto); the partner sees it once, when subscribing.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    url = models.URLField(max_length=500, verbose_name=_("webhook URL"))
    secret_ciphertext = models.TextField(editable=False, verbose_name=_("secret (encrypted)"))
    # Event types to send; empty means every type.
    event_types = models.JSONField(default=list, verbose_name=_("event types"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    deleted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("deleted at"))

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_webhooksubscription"
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "is_active"])]

    def __str__(self) -> str:
        return f"Webhook {self.pk} of partner {self.partner_id} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    DELIVERED = "DELIVERED", "Delivered"
    FAILED = "FAILED", "Failed: gave up after the retry window"


class WebhookDelivery(models.Model):
    """One event to one subscription: retried with exponential backoff until its deadline.

    A sender claims it by locking its row for the transaction that POSTs it and records the
    attempt (loans.events.services.webhooks); other senders skip a locked row.
    """

    event = models.ForeignKey(
        OutboxEvent, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("event")
    )
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    # Copied from the event so the sender orders by loan without a join.
    loan = models.ForeignKey(
        "servicing.Loan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("loan"),
    )
    status = models.CharField(
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        verbose_name=_("status"),
    )
    attempt_count = models.PositiveIntegerField(default=0, verbose_name=_("attempt count"))
    next_attempt_at = models.DateTimeField(db_default=Now(), verbose_name=_("next attempt at"))
    deadline_at = models.DateTimeField(verbose_name=_("deadline at"))
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("last status code")
    )
    last_error = models.CharField(max_length=500, blank=True, verbose_name=_("last error"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))
    created_at = models.DateTimeField(db_default=Now(), verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_webhookdelivery"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="webhook_delivery_once_per_subscription"
            ),
            models.CheckConstraint(
                condition=~Q(status="DELIVERED") | Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="PENDING"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["subscription", "loan", "event"], name="webhook_delivery_order"),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of event {self.event_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP POST of a delivery and what came back."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    attempted_at = models.DateTimeField(verbose_name=_("attempted at"))
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("status code")
    )
    error = models.CharField(max_length=500, blank=True, verbose_name=_("error"))
    duration_ms = models.PositiveIntegerField(verbose_name=_("duration (ms)"))
    succeeded = models.BooleanField(verbose_name=_("succeeded"))

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_webhookattempt"
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}"
