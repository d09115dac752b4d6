"""What the collection-run tests share: loans drawn with a bound card, Beijing times, dates.

A loan is drawn on 15 January 2027 (12 months, equal installments), so its first installment
is due on 15 February 2027 (``DUE``); its borrower binds a card of their own through the real
service (the fake gateway opens the agreement), scripted per card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts import crypto
from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.payments.card_bindings import CardConsent, card_binding_create
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import CardBinding, CardBindingChannel
from loans.servicing.models import Loan
from loans.servicing.selectors import installment_amount_due
from tests.factories.accounts import make_bank_card
from tests.factories.loans import borrower_with_line, draw

BEIJING = ZoneInfo("Asia/Shanghai")
DRAWN = date(2027, 1, 15)
DUE = date(2027, 2, 15)
CONSENT = CardConsent(
    at=datetime(2027, 1, 15, 2, 30, tzinfo=UTC),
    ip="203.0.113.7",
    user_agent="Mozilla/5.0 (iPhone)",
    agreement_version="LP-AUTODEBIT-2026-12",
)


@dataclass
class Bound:
    loan: Loan
    binding: CardBinding
    card: str

    def due(self) -> Decimal:
        """What the installment due on DUE asks for in full (CNY)."""
        return installment_amount_due(self.loan.installments.get(due_date=DUE))


def bj(day: date, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall time, aware."""
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def business_date_set(day: date) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})


def bound_loan(*, drawn: date = DRAWN, **script: object) -> Bound:
    """Draw a loan and bind a card of its borrower's, scripted with ``script`` (FakeCard)."""
    borrower = borrower_with_line()
    loan = draw(borrower, as_of=drawn)
    binding, card = card_bind(borrower, **script)
    business_date_set(DUE)
    return Bound(loan=loan, binding=binding, card=card)


def card_bind(borrower: Borrower, **script: object) -> tuple[CardBinding, str]:
    """Bind a card of the borrower's through the real service, scripted with ``script``."""
    card = make_bank_card(number=900_000 + borrower.pk)
    FakeGateway.script(card, **script)
    binding = card_binding_create(
        borrower=borrower,
        card_number=card,
        holder_name=borrower.full_name,
        holder_id_number=crypto.decrypt(borrower.id_number_ciphertext),
        consent=CONSENT,
        channel=CardBindingChannel.PORTAL,
    )
    return binding, card
