"""Partner settlement (issue #18, PRODUCT §10, §11): what the platform owes each partner per
business date and the state of its payout, read-only.

A row per partner and date: the day's purchases, refunds, merchant fees and subsidies the
partner owes, the net, what earlier days left, the payout and its state (the bank's refusal
code when it failed). Settlements are written by ``merchant_settle`` (beat and command) and
paid by the merchant payout rail; nothing is changed here.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.payments.models import MerchantSettlement, MerchantSettlementDay
from loans.servicing.services.reminders import amount_format


def _money(amount: Decimal) -> str:
    return amount_format(amount)


# The page of one settlement: its figures, its payout and what the bank said.
SHOWN: tuple[str, ...] = (
    "partner",
    "business_date",
    "purchases",
    "refunds",
    "merchant_fees",
    "subsidies",
    "net",
    "brought_forward",
    "payout",
    "pay_date",
    "payout_state",
    "key",
    "reference",
    "send_started_at",
    "settled_at",
    "failed_at",
    "failure_reason",
    "query_count",
    "entry",
)


@admin.register(MerchantSettlement)
class MerchantSettlementAdmin(ReadOnlyModelAdmin[MerchantSettlement]):
    list_display = [
        "business_date",
        "partner",
        "purchases",
        "refunds",
        "merchant_fees",
        "subsidies",
        "net",
        "brought_forward",
        "payout",
        "pay_date",
        "payout_state",
    ]
    list_filter = ["status", "partner", "pay_date"]
    list_select_related = ["partner"]
    date_hierarchy = "business_date"
    search_fields = ["=key", "=reference"]
    fields = SHOWN
    readonly_fields = SHOWN

    @admin.display(description=_("purchases"), ordering="purchases_amount")
    def purchases(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.purchases_amount)

    @admin.display(description=_("refunds"), ordering="refunds_amount")
    def refunds(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.refunds_amount)

    @admin.display(description=_("merchant fees"))
    def merchant_fees(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.merchant_fees_amount)

    @admin.display(description=_("subsidies owed"))
    def subsidies(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.subsidies_amount)

    @admin.display(description=_("net"), ordering="net_amount")
    def net(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.net_amount)

    @admin.display(description=_("brought forward"))
    def brought_forward(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.brought_forward_amount)

    @admin.display(description=_("payout amount"), ordering="payout_amount")
    def payout(self, settlement: MerchantSettlement) -> str:
        return _money(settlement.payout_amount)

    @admin.display(description=_("payout state"), ordering="status")
    def payout_state(self, settlement: MerchantSettlement) -> str:
        state = str(settlement.get_status_display())
        if settlement.failure_code:
            return f"{state}: {settlement.get_failure_code_display()}"
        return state


@admin.register(MerchantSettlementDay)
class MerchantSettlementDayAdmin(ReadOnlyModelAdmin[MerchantSettlementDay]):
    list_display = ["business_date", "partners", "payout_total", "created_at"]
    date_hierarchy = "business_date"

    @admin.display(description=_("to pay"), ordering="payout_amount")
    def payout_total(self, day: MerchantSettlementDay) -> str:
        return _money(day.payout_amount)
