"""Repaying in the portal: the next installment, any amount with the prepayment choice shown
as new schedules, payoff; the fake gateway, receipts, and refusals (issue #5; PRODUCT §2.5)."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.payments.models import PaymentStatus, PortalPayment
from loans.servicing.models import Loan, LoanStatus, Repayment
from tests.factories.loans import draw
from tests.functional.portal.conftest import TODAY, borrower_for, signed_in, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(borrower: Borrower) -> Loan:
    return draw(borrower, principal="5000.00", term=12, as_of=TODAY)


def loan_state(loan: Loan) -> dict[str, object]:
    loan.refresh_from_db()
    return {
        "status": loan.status,
        "principal": loan.principal_outstanding_amount,
        "advance": loan.advance_amount,
        "repayments": Repayment.objects.count(),
        "schedule": list(loan.installments.values_list("number", "principal_amount")),
    }


def pay(client: Client, loan: Loan, data: dict[str, str], mode: str = "") -> PortalPayment:
    review = client.post(reverse("portal:repay", args=[loan.pk]), data)
    assert review.status_code == 200
    amount = re.search(r'name="amount" value="([0-9.]+)"', review.text)
    start = client.post(
        reverse("portal:repay_start", args=[loan.pk]),
        {
            "purpose": data["purpose"],
            "amount": amount.group(1) if amount else "",
            "prepayment_mode": mode,
        },
    )
    payment = PortalPayment.objects.latest("id")
    assert start["Location"] == reverse("portal:fake_gateway", args=[payment.token])
    assert payment.status == PaymentStatus.PENDING
    gateway = client.get(start["Location"])
    assert "Test gateway" in gateway.text
    paid = client.post(start["Location"], {"action": "pay"})
    assert paid["Location"] == reverse("portal:receipt", args=[payment.token])
    payment.refresh_from_db()
    return payment


def test_paying_the_next_installment_early_is_kept_as_an_advance(client_en: Client, loan: Loan):
    first = loan.installments.get(number=1)
    amount = first.principal_amount + first.interest_amount

    payment = pay(client_en, loan, {"purpose": "NEXT_INSTALLMENT"})

    assert payment.status == PaymentStatus.PAID
    assert payment.amount == amount
    loan.refresh_from_db()
    assert loan.advance_amount == amount
    receipt = client_en.get(reverse("portal:receipt", args=[payment.token])).text
    assert f"¥{amount:,.2f}" in receipt
    assert "Kept for your next installments" in receipt
    dashboard = client_en.get(reverse("portal:dashboard")).text
    assert "Paid in advance" in dashboard


def test_paying_off_closes_the_loan_and_frees_the_line(client_en: Client, loan: Loan):
    pay(client_en, loan, {"purpose": "NEXT_INSTALLMENT"})

    payment = pay(client_en, loan, {"purpose": "PAYOFF"})

    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF
    assert loan.overpayment_amount == Decimal("0.00")
    first = Repayment.objects.filter(loan=loan).earliest("id")
    assert payment.amount + first.amount == Decimal("5000.00")
    assert loan.credit_line.used_amount == Decimal("0.00")
    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text
    assert "Paid off on 15 January 2027" in page


def test_an_amount_beyond_what_is_due_shows_both_new_schedules_before_confirming(
    client_en: Client, loan: Loan
):
    before = loan_state(loan)

    review = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "AMOUNT", "amount": "2000"}
    )

    assert "Keep the installment, finish sooner" in review.text
    assert "Keep the end date, pay less each month" in review.text
    assert review.text.count("New schedule") == 2
    assert "Interest you save" in review.text
    assert loan_state(loan) == before  # the preview wrote nothing


def test_a_prepayment_with_a_lower_installment_keeps_the_count(client_en: Client, loan: Loan):
    payment = pay(
        client_en, loan, {"purpose": "AMOUNT", "amount": "2000"}, mode="LOWER_INSTALLMENT"
    )

    loan.refresh_from_db()
    assert payment.repayment is not None
    assert payment.repayment.prepayment_mode == "LOWER_INSTALLMENT"
    assert payment.repayment.prepaid_principal_amount == Decimal("2000.00")
    assert loan.principal_outstanding_amount == Decimal("3000.00")
    assert loan.installments.count() == 12


def test_a_prepayment_with_a_shorter_term_drops_installments(client_en: Client, loan: Loan):
    pay(client_en, loan, {"purpose": "AMOUNT", "amount": "2000"}, mode="SHORTEN_TERM")

    assert loan.installments.count() < 12


def test_an_amount_above_the_payoff_is_refused(client_en: Client, loan: Loan):
    before = loan_state(loan)

    response = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "AMOUNT", "amount": "5000.01"}
    )

    assert "That is more than the payoff amount, ¥5,000.00." in response.text
    assert loan_state(loan) == before
    assert PortalPayment.objects.count() == 0


def test_cancelling_at_the_gateway_posts_nothing(client_en: Client, loan: Loan):
    before = loan_state(loan)
    client_en.post(reverse("portal:repay", args=[loan.pk]), {"purpose": "PAYOFF"})
    start = client_en.post(
        reverse("portal:repay_start", args=[loan.pk]), {"purpose": "PAYOFF", "amount": ""}
    )

    client_en.post(start["Location"], {"action": "cancel"})

    assert PortalPayment.objects.get().status == PaymentStatus.CANCELLED
    assert loan_state(loan) == before


def test_confirming_twice_posts_one_repayment(client_en: Client, loan: Loan):
    payment = pay(client_en, loan, {"purpose": "NEXT_INSTALLMENT"})

    again = client_en.post(reverse("portal:fake_gateway", args=[payment.token]), {"action": "pay"})

    assert again.status_code == 302
    assert Repayment.objects.count() == 1


def test_another_borrowers_loan_payment_and_receipt_are_404(client_en: Client, loan: Loan):
    payment = pay(client_en, loan, {"purpose": "NEXT_INSTALLMENT"})
    before = loan_state(loan)
    other_user = verified_user("other@example.com")
    borrower_for(other_user)
    other = signed_in(other_user)

    responses = [
        other.get(reverse("portal:loan", args=[loan.pk])),
        other.get(reverse("portal:repay", args=[loan.pk])),
        other.post(reverse("portal:repay", args=[loan.pk]), {"purpose": "PAYOFF"}),
        other.post(reverse("portal:repay_start", args=[loan.pk]), {"purpose": "PAYOFF"}),
        other.get(reverse("portal:receipt", args=[payment.token])),
        other.post(reverse("portal:fake_gateway", args=[payment.token]), {"action": "pay"}),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert loan_state(loan) == before
    assert PortalPayment.objects.count() == 1


def test_a_missing_loan_is_404(client_en: Client, borrower: Borrower):
    assert client_en.get(reverse("portal:loan", args=[999999])).status_code == 404


def test_staff_without_a_profile_are_sent_to_the_profile(db):
    user: User = verified_user("staff@example.com")
    client = signed_in(user)

    response = client.get(reverse("portal:notifications"))

    assert response["Location"] == reverse("portal:profile")


def test_an_overdue_loan_is_flagged_with_its_days_past_due_and_penalty(
    client_en: Client, loan: Loan
):
    # Close of business sets these; here they are set directly to look at the pages.
    Loan.objects.filter(pk=loan.pk).update(
        days_past_due=12, penalty_receivable_amount=Decimal("3.21")
    )

    dashboard = client_en.get(reverse("portal:dashboard")).text
    page = client_en.get(reverse("portal:loan", args=[loan.pk])).text

    assert f"Loan no. {loan.pk} is 12 days overdue. Penalty interest so far: ¥3.21." in dashboard
    assert 'role="alert"' in dashboard
    assert "12 days overdue. Penalty interest so far: ¥3.21." in page
