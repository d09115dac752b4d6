"""Credit applications and lines (PRODUCT §6), and products within the rate cap (§2.2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from loans.origination.models import ApplicationStatus, CreditApplication, LoanProduct
from loans.origination.services.credit import (
    CreditApplicationRefused,
    CreditReviewRefused,
    credit_application_review,
    credit_application_submit,
)
from loans.origination.services.products import product_save
from loans.servicing.models import CreditLine
from tests.factories.accounts import borrower_create, make_id_number
from tests.factories.loans import ProductFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 12, 1)


def test_the_reference_applicant_is_approved_and_gets_a_line():
    # PRODUCT §6: a 30-year-old with ¥15,000 a month, 4 years in the job, no debts, no history.
    borrower = borrower_create(
        id_number=make_id_number(birth_date=date(1996, 6, 1)),
        monthly_income_amount=Decimal("15000.00"),
        employment_months=48,
    )

    application = credit_application_submit(borrower=borrower, as_of=AS_OF)

    assert application.status == ApplicationStatus.APPROVED
    assert application.inputs["age"] == 30
    assert application.reasons == []
    assert application.points  # the explanation: points per factor
    line = CreditLine.objects.get(borrower=borrower)
    assert line.limit_amount == application.credit_limit_amount
    assert Decimal("500") <= line.limit_amount <= Decimal("30000")
    assert line.annual_rate == application.annual_rate
    assert line.grade == application.grade


def test_a_low_income_is_declined_with_a_reason_and_no_line():
    borrower = borrower_create(monthly_income_amount=Decimal("1500.00"))

    application = credit_application_submit(borrower=borrower, as_of=AS_OF)

    assert application.status == ApplicationStatus.DECLINED
    assert "INCOME_TOO_LOW" in application.reasons
    assert not CreditLine.objects.filter(borrower=borrower).exists()


def test_reapplying_within_30_days_of_a_decline_is_refused():
    borrower = borrower_create(monthly_income_amount=Decimal("1500.00"))
    credit_application_submit(borrower=borrower, as_of=AS_OF)

    with pytest.raises(CreditApplicationRefused, match="2026-12-31"):
        credit_application_submit(borrower=borrower, as_of=date(2026, 12, 30))

    assert CreditApplication.objects.filter(borrower=borrower).count() == 1
    credit_application_submit(borrower=borrower, as_of=date(2026, 12, 31))
    assert CreditApplication.objects.filter(borrower=borrower).count() == 2


def test_an_identity_conflict_is_referred_and_an_officer_decides():
    first = borrower_create(mobile="13800000001")
    second = borrower_create(mobile="13800000001")  # another identity, same phone
    officer = User.objects.create_user("officer", is_staff=True)

    application = credit_application_submit(borrower=second, as_of=AS_OF)
    assert application.status == ApplicationStatus.REFERRED
    assert "IDENTITY_CONFLICT" in application.reasons
    assert not CreditLine.objects.filter(borrower=second).exists()
    with pytest.raises(CreditApplicationRefused, match="reviewed"):
        credit_application_submit(borrower=second, as_of=AS_OF)
    with pytest.raises(CreditReviewRefused, match="limit"):
        credit_application_review(
            application=application, officer=officer, approve=True, grade="C",
            credit_limit=Decimal("30100"),
        )  # fmt: skip

    credit_application_review(
        application=application,
        officer=officer,
        approve=True,
        grade="C",
        credit_limit=Decimal("8000"),
        note="same household, checked by phone",
    )

    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, officer)
    line = CreditLine.objects.get(borrower=second)
    assert (line.limit_amount, line.annual_rate) == (Decimal("8000.00"), Decimal("0.144000"))
    assert first.pk != second.pk


def test_a_product_above_the_cap_cannot_be_saved():
    product = LoanProduct(
        code="TOO-DEAR",
        name="Too dear",
        methods=["EQUAL_INSTALLMENT"],
        terms=[12],
        annual_rate=Decimal("0.250000"),
    )

    with pytest.raises(ValidationError, match=r"exceeds the 24\.00% cap"):
        product_save(product=product)

    assert not LoanProduct.objects.filter(code="TOO-DEAR").exists()


def test_a_fee_product_whose_apr_exceeds_the_cap_cannot_be_saved():
    # 2% a month flat is an APR far above 24% although the interest rate is 0.
    product = LoanProduct(
        code="FEES",
        name="Fees",
        methods=["INSTALLMENT_FEE"],
        terms=[12],
        annual_rate=Decimal("0"),
        fee_rate=Decimal("0.02"),
    )

    with pytest.raises(ValidationError, match="APR"):
        product_save(product=product)


def test_a_product_within_the_cap_is_saved():
    product = product_save(product=ProductFactory.build(code="OK"))

    assert LoanProduct.objects.filter(pk=product.pk).exists()
