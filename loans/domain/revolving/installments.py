"""Bill installment (账单分期) and purchase installment (交易分期) plans (PRODUCT §10, §2.1, §2.2).

A plan is an INSTALLMENT_FEE schedule (loans.domain.schedule): principal round(P/n), the last
installment taking the remainder, a fee of round(P * f) each installment. Installment k is billed
on the k-th statement date after the plan's base statement date, so the schedule's monthly due
dates are the statement dates its installments go on.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from loans.domain.apr import annual_percentage_rate
from loans.domain.dates import add_months
from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, round_money
from loans.domain.rate_cap import check_rate_cap
from loans.domain.revolving.state import (
    AccountState,
    FeePayer,
    InstallmentPlan,
    PlanInstallment,
    PlanKind,
    cap_minimum,
    replace_bill,
    require_fen,
)
from loans.domain.revolving.terms import RevolvingTerms
from loans.domain.schedule import RepaymentMethod, Schedule, build_schedule


class BillInstallmentRefused(DomainError):
    """A bill cannot be turned into installments as asked (amount, date or bill)."""


@dataclass(frozen=True, slots=True)
class InstallmentQuote:
    """What a plan costs, shown before confirming (PRODUCT §2.2: the APR most prominently).

    ``schedule`` carries the fee whoever pays it; ``borrower_apr`` is 0 when the merchant pays
    (免息), and then ``merchant_fees`` is the partner's total (Dr merchant subsidy receivable).
    """

    schedule: Schedule
    fee_payer: FeePayer
    fee_per_installment: Decimal
    borrower_fees: Decimal
    merchant_fees: Decimal
    borrower_apr: Decimal


def installment_quote(
    *,
    amount: Decimal,
    term: int,
    first_statement_date: date,
    terms: RevolvingTerms,
    fee_payer: FeePayer = FeePayer.BORROWER,
) -> InstallmentQuote:
    """Quote a ``term``-month plan of ``amount``, installment 1 billed on ``first_statement_date``.

    Fee per installment round(amount * fee rate of the term), HALF_UP. APR = 12 * the monthly IRR
    of the borrower's cash flows (loans.domain.apr), 6 decimals. Raises InvalidRevolvingTerms for
    a term outside the fee table, InvalidRevolvingAmount, RateCapExceeded above the cap.
    """
    require_fen(amount, name="Installment amount")
    schedule = build_schedule(
        principal=amount,
        annual_rate=Decimal("0"),
        term=term,
        method=RepaymentMethod.INSTALLMENT_FEE,
        start_date=add_months(first_statement_date, -1),
        fee_rate=terms.fee_rate_for(term),
    )
    merchant_pays = FeePayer(fee_payer) is FeePayer.MERCHANT
    borrower_apr = Decimal("0.000000") if merchant_pays else annual_percentage_rate(schedule)
    check_rate_cap(annual_rate=Decimal("0"), apr=borrower_apr, cap=terms.rate_cap)
    total = schedule.total_fees
    return InstallmentQuote(
        schedule=schedule,
        fee_payer=FeePayer(fee_payer),
        fee_per_installment=schedule.installments[0].fee,
        borrower_fees=ZERO if merchant_pays else total,
        merchant_fees=total if merchant_pays else ZERO,
        borrower_apr=borrower_apr,
    )


def plan_from_quote(quote: InstallmentQuote, *, plan_id: str, kind: PlanKind) -> InstallmentPlan:
    """Return the plan a confirmed quote makes; installment k is billed on its k-th due date."""
    schedule = quote.schedule
    rows = tuple(
        PlanInstallment(i.number, i.due_date, i.principal, i.fee) for i in schedule.installments
    )
    return InstallmentPlan(
        plan_id=plan_id,
        kind=kind,
        amount=schedule.principal,
        term=schedule.term,
        fee_rate=schedule.fee_rate,
        fee_payer=quote.fee_payer,
        borrower_apr=quote.borrower_apr,
        installments=rows,
    )


def bill_installment(
    state: AccountState,
    *,
    statement_date: date,
    amount: Decimal,
    term: int,
    as_of: date,
    terms: RevolvingTerms,
) -> tuple[AccountState, InstallmentPlan]:
    """Turn ``amount`` of a bill's revolving principal into a plan (账单分期, PRODUCT §10).

    Allowed through the bill's due date, for ¥100 (terms.bill_installment_minimum) up to the
    bill's unpaid revolving principal. The amount leaves the bill, and its minimum falls by
    round(10% * base) - round(10% * (base - amount)), never below 0. Installment 1 is billed on
    the next statement date. The plan id is "BILL-<statement date>-<n>". Raises
    BillInstallmentRefused, InvalidRevolvingAmount, InvalidRevolvingTerms, RateCapExceeded.
    """
    require_fen(amount, name="Bill installment amount")
    bill = state.bill(statement_date)
    if bill is None:
        raise BillInstallmentRefused(f"There is no bill of {statement_date.isoformat()}.")
    if as_of > bill.due_date or as_of < statement_date:
        raise BillInstallmentRefused(
            "A bill can be turned into installments only until its due date."
        )
    if amount < terms.bill_installment_minimum:
        raise BillInstallmentRefused(f"At least {terms.bill_installment_minimum} is needed.")
    if amount > bill.revolving_principal:
        raise BillInstallmentRefused(
            "The amount is more than the bill's unpaid revolving principal."
        )
    quote = installment_quote(
        amount=amount, term=term, first_statement_date=add_months(statement_date, 1), terms=terms
    )
    count = sum(1 for p in state.plans if p.kind is PlanKind.BILL) + 1
    plan = plan_from_quote(
        quote, plan_id=f"BILL-{statement_date.isoformat()}-{count}", kind=PlanKind.BILL
    )
    with decimal_context():
        rate = terms.minimum_payment_rate
        drop = round_money(bill.minimum_base * rate) - round_money(
            (bill.minimum_base - amount) * rate
        )
        changed = replace(
            bill,
            revolving_principal=bill.revolving_principal - amount,
            minimum_base=bill.minimum_base - amount,
            minimum_unpaid=max(bill.minimum_unpaid - drop, ZERO),
        )
    new_state = replace(replace_bill(state, changed), plans=(*state.plans, plan))
    return cap_minimum(new_state), plan
