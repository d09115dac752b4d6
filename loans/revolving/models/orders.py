"""A partner's checkout order on a revolving account (PRODUCT §10, issue #18).

Created by the partner, confirmed by the borrower in the portal, then captured; one not
confirmed within the product's minutes expires. The partner's own order id is unique per
partner, which makes creation idempotent.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loans.fields import ZERO, money_field

PLAN_TERMS = (3, 6, 9, 12)


class OrderStatus(models.TextChoices):
    CREATED = "CREATED", "Waiting for the borrower"
    CAPTURED = "CAPTURED", "Captured"
    EXPIRED = "EXPIRED", "Expired"


class Order(models.Model):
    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    account = models.ForeignKey(
        "revolving.RevolvingAccount",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("account"),
    )
    merchant_order_id = models.CharField(max_length=64, verbose_name=_("merchant order ID"))
    amount = money_field(verbose_name=_("amount"))
    description = models.CharField(max_length=200, verbose_name=_("description"))
    # A purchase installment plan (交易分期): the number of installments, or none.
    plan_term = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("plan term"))
    # 免息: the partner pays the fees
    merchant_subsidised = models.BooleanField(default=False, verbose_name=_("merchant subsidised"))
    status = models.CharField(
        max_length=10,
        choices=OrderStatus.choices,
        default=OrderStatus.CREATED,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    captured_at = models.DateTimeField(null=True, blank=True, verbose_name=_("captured at"))
    # the business date of the capture
    captured_date = models.DateField(null=True, blank=True, verbose_name=_("captured date"))
    entry = models.OneToOneField(
        "ledger.JournalEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entry"),
    )
    refunded_amount = money_field(default=ZERO, verbose_name=_("refunded amount"))
    # paid before it was billed (allocation's last step)
    paid_amount = money_field(default=ZERO, verbose_name=_("paid amount"))
    # The bill it went on (cut by close of business on the first statement date after capture).
    statement = models.ForeignKey(
        "revolving.Statement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("statement"),
    )

    class Meta:
        verbose_name = _("checkout order")
        verbose_name_plural = _("checkout orders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "merchant_order_id"], name="order_merchant_id_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="order_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="order_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0)
                & Q(paid_amount__lte=F("amount") - F("refunded_amount")),
                name="order_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(plan_term__isnull=True) | Q(plan_term__in=PLAN_TERMS),
                name="order_plan_term_known",
            ),
            models.CheckConstraint(
                condition=Q(merchant_subsidised=False) | Q(plan_term__isnull=False),
                name="order_subsidy_needs_plan",
            ),
            # Captured exactly when it has its time, date and journal entry.
            models.CheckConstraint(
                condition=(
                    Q(
                        status=OrderStatus.CAPTURED,
                        captured_at__isnull=False,
                        captured_date__isnull=False,
                        entry__isnull=False,
                    )
                    | (
                        ~Q(status=OrderStatus.CAPTURED)
                        & Q(
                            captured_at__isnull=True,
                            entry__isnull=True,
                            refunded_amount=0,
                            paid_amount=0,
                        )
                    )
                ),
                name="order_captured_has_entry",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(status=OrderStatus.CREATED),
                name="order_waiting_expiry",
            ),
            # What the next bill takes: captured and not billed yet, by account.
            models.Index(
                fields=["account"],
                condition=Q(status=OrderStatus.CAPTURED, statement__isnull=True),
                name="order_unbilled",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} {self.status}"
