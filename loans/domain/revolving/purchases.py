"""Capturing a purchase at a partner's checkout, with or without a plan (PRODUCT §10)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from loans.domain.errors import DomainError
from loans.domain.revolving.calendar import next_statement_date
from loans.domain.revolving.installments import installment_quote, plan_from_quote
from loans.domain.revolving.state import (
    AccountState,
    FeePayer,
    PlanKind,
    Purchase,
    available_limit,
    principal_outstanding,
    require_fen,
)
from loans.domain.revolving.terms import RevolvingTerms


class PurchaseRefused(DomainError):
    """A purchase cannot be captured (limit, duplicate id or date)."""


def purchase_capture(
    state: AccountState,
    *,
    purchase_id: str,
    purchase_date: date,
    amount: Decimal,
    terms: RevolvingTerms,
    term: int | None = None,
    fee_payer: FeePayer = FeePayer.BORROWER,
) -> AccountState:
    """Capture a purchase of ``amount`` on ``purchase_date``; with ``term``, on an installment plan.

    The amount leaves the available limit. Without a plan it waits, unbilled, for the statement
    date after ``purchase_date``; on a plan (交易分期, plan id = purchase id) installment 1 is
    billed on that statement date. A credit balance is not applied here (``credit_apply``).
    Raises PurchaseRefused, InvalidRevolvingAmount, InvalidRevolvingTerms, RateCapExceeded.
    """
    require_fen(amount, name="Purchase amount")
    if state.purchase(purchase_id) is not None:
        raise PurchaseRefused(f"Purchase {purchase_id} was captured already.")
    if purchase_date < state.opened_on:
        raise PurchaseRefused("A purchase cannot come before the account was opened.")
    if amount > available_limit(
        credit_limit=state.credit_limit, principal_outstanding=principal_outstanding(state)
    ):
        raise PurchaseRefused("The purchase is more than the available limit.")
    if term is None:
        purchase = Purchase(purchase_id, purchase_date, amount, unbilled_principal=amount)
        return replace(state, purchases=(*state.purchases, purchase))
    first = next_statement_date(after=purchase_date, statement_day=state.statement_day)
    quote = installment_quote(
        amount=amount, term=term, first_statement_date=first, terms=terms, fee_payer=fee_payer
    )
    plan = plan_from_quote(quote, plan_id=purchase_id, kind=PlanKind.PURCHASE)
    purchase = Purchase(purchase_id, purchase_date, amount, plan_id=plan.plan_id)
    return replace(state, purchases=(*state.purchases, purchase), plans=(*state.plans, plan))
