"""What the platform owes each partner for a business date, and its payout (PRODUCT §10, §11).

One row per (partner, business date), written set-based by
``loans.payments.merchant_settlement.merchant_settle``: the day's captured purchases less its
refunds, less the merchant fees and the subsidies the partner owes (the fees of
merchant-subsidised plans), plus what earlier days left (a negative day, a failed payout). A
positive amount is paid out on the next working day through the merchant payout rail, once: the
row's key is the bank's order number, ``send_started_at`` is committed before the bank is
called, and an unknown outcome is asked about, never re-sent.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from loans.fields import ZERO, money_field
from loans.origination.models import PayoutFailureCode


class MerchantSettlementStatus(models.TextChoices):
    NOTHING_TO_PAY = "NOTHING_TO_PAY", _("Nothing to pay")
    DUE = "DUE", _("To be paid")
    SENT = "SENT", _("Sent to the bank")
    SETTLED = "SETTLED", _("Paid out")
    FAILED = "FAILED", _("Refused by the bank")


class MerchantSettlement(models.Model):
    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    # the day whose purchases and refunds it settles
    business_date = models.DateField(verbose_name=_("business date"))
    purchases_amount = money_field(default=ZERO, verbose_name=_("purchases amount"))
    refunds_amount = money_field(default=ZERO, verbose_name=_("refunds amount"))
    merchant_fees_amount = money_field(default=ZERO, verbose_name=_("merchant fees amount"))
    subsidies_amount = money_field(default=ZERO, verbose_name=_("subsidies amount"))
    # purchases - refunds - fees - subsidies: negative when refunds exceed the day's purchases.
    net_amount = money_field(default=ZERO, verbose_name=_("net amount"))
    # What earlier days left owed (+) or overpaid (-): their nets less their payouts not failed.
    brought_forward_amount = money_field(default=ZERO, verbose_name=_("brought forward amount"))
    # max(0, net + brought forward)
    payout_amount = money_field(default=ZERO, verbose_name=_("payout amount"))
    # the next working day after business_date (PRODUCT §12)
    pay_date = models.DateField(verbose_name=_("pay date"))
    status = models.CharField(
        max_length=16, choices=MerchantSettlementStatus.choices, verbose_name=_("status")
    )
    # the bank's merchant order number
    key = models.CharField(max_length=40, unique=True, verbose_name=_("idempotency key"))
    backend = models.CharField(max_length=100, blank=True, verbose_name=_("backend"))
    # the bank's id of the transfer
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("reference"))
    # Set, and committed, just before the bank is called: a payout is handed over at most once.
    send_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("send started at"))
    settled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("settled at"))
    failure_code = models.CharField(
        max_length=16, choices=PayoutFailureCode.choices, blank=True, verbose_name=_("failure code")
    )
    failure_reason = models.CharField(max_length=200, blank=True, verbose_name=_("failure reason"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed at"))
    queried_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queried at"))
    query_count = models.PositiveIntegerField(default=0, verbose_name=_("query count"))
    # Dr MERCHANT_PAYABLE, Cr CASH once the bank paid the partner.
    entry = models.OneToOneField(
        "ledger.JournalEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entry"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-business_date", "partner"]
        verbose_name = _("merchant settlement")
        verbose_name_plural = _("merchant settlements")
        indexes = [
            models.Index(fields=["business_date"], name="merchant_settlement_by_date"),
            # The payouts to send or to ask about: few of all.
            models.Index(
                fields=["pay_date", "id"],
                condition=Q(status__in=["DUE", "SENT"]),
                name="merchant_settlement_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "business_date"], name="merchant_settlement_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MerchantSettlementStatus.values),
                name="merchant_settlement_status_known",
            ),
            # The merchant fee may be negative: a day whose refunds give back more fee than
            # its purchases pay (loans.payments.merchant_fees).
            models.CheckConstraint(
                condition=Q(purchases_amount__gte=0)
                & Q(refunds_amount__gte=0)
                & Q(subsidies_amount__gte=0),
                name="merchant_settlement_parts_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    net_amount=F("purchases_amount")
                    - F("refunds_amount")
                    - F("merchant_fees_amount")
                    - F("subsidies_amount")
                ),
                name="merchant_settlement_net_sum",
            ),
            models.CheckConstraint(
                condition=Q(
                    payout_amount=Greatest(F("net_amount") + F("brought_forward_amount"), ZERO)
                ),
                name="merchant_settlement_payout_owed",
            ),
            # Nothing to pay exactly when the payout is nil.
            models.CheckConstraint(
                condition=(Q(status=MerchantSettlementStatus.NOTHING_TO_PAY) & Q(payout_amount=0))
                | (~Q(status=MerchantSettlementStatus.NOTHING_TO_PAY) & Q(payout_amount__gt=0)),
                name="merchant_settlement_nothing_iff_zero",
            ),
            # Handed to the bank once it is SENT or after; paid exactly when it has its entry.
            models.CheckConstraint(
                condition=Q(
                    status__in=[MerchantSettlementStatus.NOTHING_TO_PAY, "DUE"],
                    send_started_at__isnull=True,
                )
                | (Q(status__in=["SENT", "SETTLED", "FAILED"]) & Q(send_started_at__isnull=False)),
                name="merchant_settlement_sent_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=MerchantSettlementStatus.SETTLED)
                    & Q(entry__isnull=False)
                    & Q(settled_at__isnull=False)
                )
                | (
                    ~Q(status=MerchantSettlementStatus.SETTLED)
                    & Q(entry__isnull=True)
                    & Q(settled_at__isnull=True)
                ),
                name="merchant_settlement_settled_has_entry",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=MerchantSettlementStatus.FAILED)
                    & Q(failure_code__in=PayoutFailureCode.values)
                    & Q(failed_at__isnull=False)
                )
                | (
                    ~Q(status=MerchantSettlementStatus.FAILED)
                    & Q(failure_code="")
                    & Q(failure_reason="")
                    & Q(failed_at__isnull=True)
                ),
                name="merchant_settlement_failure_recorded",
            ),
            models.CheckConstraint(
                condition=Q(pay_date__gt=F("business_date")),
                name="merchant_settlement_paid_after_the_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Settlement of partner {self.partner_id} for {self.business_date} ({self.status})"


class MerchantSettlementDay(models.Model):
    """A business date settled for every partner (none owed anything, possibly): dates settle
    once and in order, and the next run starts after the last of these."""

    business_date = models.DateField(unique=True, verbose_name=_("business date"))
    # settlements written that day
    partners = models.PositiveIntegerField(verbose_name=_("partners settled"))
    # their payouts, in all
    payout_amount = money_field(default=ZERO, verbose_name=_("payout amount"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("merchant settlement day")
        verbose_name_plural = _("merchant settlement days")
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"Merchant settlement of {self.business_date}"
