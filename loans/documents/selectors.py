"""What each document says, gathered from the loan's data with no layout (PRODUCT §14).

The contract is rebuilt from the terms stored on the loan at signing (the domain's quote from
the drawn date), never from the live installments, which a prepayment re-amortises: so its PDF
is the same on every download. Receipts and certificates read the rows they describe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from loans.documents.models import SettlementCertificate
from loans.domain.money import ZERO
from loans.domain.quote import make_quote
from loans.domain.schedule import RepaymentMethod
from loans.revolving.models import Order, OrderStatus, Statement
from loans.servicing.models import Loan, LoanStatus, Repayment


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """One installment as the contract schedules it (CNY)."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fee


@dataclass(frozen=True, slots=True)
class ContractData:
    loan_id: int
    borrower_name: str
    id_number_masked: str
    product_code: str
    drawn_date: date
    principal: Decimal
    term: int
    method: str
    annual_rate: Decimal
    apr: Decimal
    total_repayment: Decimal
    total_interest: Decimal
    total_fees: Decimal
    schedule: tuple[ScheduleLine, ...]
    contract_version: str
    contract_hash: str
    signature_name: str
    accepted_at: datetime


@dataclass(frozen=True, slots=True)
class ReceiptData:
    repayment_id: int
    loan_id: int
    borrower_name: str
    amount: Decimal
    value_date: date
    received_at: datetime
    reference: str
    status: str
    parts: tuple[tuple[str, Decimal], ...]  # (component, amount) in allocation order
    advance: Decimal
    overpayment: Decimal


@dataclass(frozen=True, slots=True)
class SettlementData:
    code: str
    loan_id: int
    borrower_name: str
    id_number_masked: str
    principal: Decimal
    disbursed_date: date
    closed_date: date


@dataclass(frozen=True, slots=True)
class Verification:
    """All the public page may show: the masked name, the loan's dates, whether it is settled."""

    masked_name: str
    disbursed_date: date | None
    closed_date: date | None
    settled: bool


def contract_data_for(*, loan: Loan) -> ContractData:
    """Return the contract as signed: the stored terms and the schedule from the drawn date."""
    quote = make_quote(
        principal=loan.principal_amount,
        annual_rate=loan.annual_rate,
        term=loan.term,
        method=RepaymentMethod(loan.method),
        start_date=loan.drawn_date,
        fee_rate=loan.fee_rate,
        rate_cap=loan.rate_cap,
    )
    schedule = quote.schedule
    return ContractData(
        loan_id=loan.pk,
        borrower_name=loan.borrower.full_name,
        id_number_masked=loan.borrower.id_number_masked,
        product_code=loan.product.code,
        drawn_date=loan.drawn_date,
        principal=schedule.principal,
        term=schedule.term,
        method=loan.method,
        annual_rate=loan.annual_rate,
        apr=loan.apr,
        total_repayment=schedule.total_repayment,
        total_interest=schedule.total_interest,
        total_fees=schedule.total_fees,
        schedule=tuple(
            ScheduleLine(
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
                fee=row.fee,
            )
            for row in schedule.installments
        ),
        contract_version=loan.contract_version,
        contract_hash=loan.contract_hash,
        signature_name=loan.signature_name,
        accepted_at=loan.accepted_at,
    )


def receipt_data_for(*, repayment: Repayment) -> ReceiptData:
    """Return a repayment's receipt: its amount and where it went, by component."""
    totals: dict[str, Decimal] = {}
    for part in repayment.allocation.get("parts", []):
        key = str(part["component"])
        totals[key] = totals.get(key, ZERO) + Decimal(str(part["amount"]))
    return ReceiptData(
        repayment_id=repayment.pk,
        loan_id=repayment.loan_id,
        borrower_name=repayment.loan.borrower.full_name,
        amount=repayment.amount,
        value_date=repayment.value_date,
        received_at=repayment.created_at,
        reference=repayment.reference,
        status=repayment.status,
        parts=tuple(totals.items()),
        advance=repayment.advance_amount,
        overpayment=repayment.overpayment_amount,
    )


def settlement_data_for(*, certificate: SettlementCertificate) -> SettlementData:
    loan = certificate.loan
    if loan.closed_date is None or loan.disbursed_date is None:
        raise ValueError(f"Loan {loan.pk} has no disbursement or closing date.")
    return SettlementData(
        code=certificate.code,
        loan_id=loan.pk,
        borrower_name=loan.borrower.full_name,
        id_number_masked=loan.borrower.id_number_masked,
        principal=loan.principal_amount,
        disbursed_date=loan.disbursed_date,
        closed_date=loan.closed_date,
    )


def name_masked(name: str) -> str:
    """Keep the first character (the surname in Chinese), hide the others: 王芳 → 王*."""
    return name[:1] + "".join(" " if c == " " else "*" for c in name[1:])


def verification_for(*, code: str) -> Verification | None:
    """Return what the public page shows for a certificate's code; None for an unknown code.

    ``settled`` is read from the loan now: a reversed repayment that reopens the loan makes
    the certificate stop verifying.
    """
    certificate = (
        SettlementCertificate.objects.filter(code=code.strip().upper())
        .select_related("loan__borrower")
        .first()
    )
    if certificate is None:
        return None
    loan = certificate.loan
    return Verification(
        masked_name=name_masked(loan.borrower.full_name),
        disbursed_date=loan.disbursed_date,
        closed_date=loan.closed_date,
        settled=loan.status == LoanStatus.PAID_OFF,
    )


@dataclass(frozen=True, slots=True)
class BillPurchase:
    """A purchase on a bill, as the bills page lists it."""

    captured_date: date | None
    merchant: str
    description: str
    amount: Decimal
    refunded: Decimal


@dataclass(frozen=True, slots=True)
class BillData:
    """A revolving account's bill (账单) with the figures of the portal's bills page."""

    statement_id: int
    account_id: int
    borrower_name: str
    statement_date: date
    pay_by_date: date
    balance: Decimal
    minimum_payment: Decimal
    previous_unpaid: Decimal
    new_interest: Decimal
    new_penalty: Decimal
    purchases: tuple[BillPurchase, ...]


def bill_data_for(*, statement: Statement) -> BillData:
    """The bill as the bills page shows it: its balance (the five parts), pay-by date, minimum,
    date, what earlier bills left unpaid, its interest and penalty, and its purchases."""
    orders = (
        Order.objects.filter(statement=statement, status=OrderStatus.CAPTURED)
        .select_related("partner")
        .order_by("captured_at")
    )
    account = statement.account
    return BillData(
        statement_id=statement.pk,
        account_id=account.pk,
        borrower_name=account.credit_line.borrower.full_name,
        statement_date=statement.statement_date,
        pay_by_date=statement.pay_by_date,
        balance=statement.balance_amount,
        minimum_payment=statement.minimum_payment_amount,
        previous_unpaid=statement.previous_unpaid_amount,
        new_interest=statement.new_interest_amount,
        new_penalty=statement.new_penalty_amount,
        purchases=tuple(
            BillPurchase(
                captured_date=order.captured_date,
                merchant=order.partner.name,
                description=order.description,
                amount=order.amount,
                refunded=order.refunded_amount,
            )
            for order in orders
        ),
    )
