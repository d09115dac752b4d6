"""Output serializers that build their fields once per class give what DRF gives per instance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework import serializers

from loans.api.selectors import API_LOAN_COLUMNS, partner_loan_read
from loans.api.views.loans import LoanSerializer, partner_loans
from loans.api.views.repayments import RepaymentSerializer
from loans.servicing.models import Loan, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import DRAW_DATE

pytestmark = pytest.mark.django_db


def _built_per_instance(shared: type[serializers.ModelSerializer]) -> type:
    """The same serializer without SharedFieldsMixin: DRF's own field building."""
    attrs = {**shared._declared_fields, "Meta": shared.Meta}
    return type(f"Plain{shared.__name__}", (serializers.ModelSerializer,), attrs)


def test_loans_and_repayments_read_as_drf_would_read_them():
    business_date_set()
    partner = api_partner().partner
    first = partner_loan(partner, principal="10000.00", term=12)
    second = partner_loan(partner, principal="2500.50", term=6)
    paid = repayment_post(
        loan=second,
        amount=Decimal("321.09"),
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.PARTNER,
        reference="r-1",
    )
    plain_loan = _built_per_instance(LoanSerializer)
    plain_repayment = _built_per_instance(RepaymentSerializer)

    for loan in (first, second, first):
        row = Loan.objects.select_related("product").get(pk=loan.pk)
        assert LoanSerializer(row).data == plain_loan(row).data
    rows = list(Loan.objects.select_related("product").filter(pk__in=[first.pk, second.pk]))
    assert LoanSerializer(rows, many=True).data == plain_loan(rows, many=True).data
    assert RepaymentSerializer(paid).data == plain_repayment(paid).data
    assert LoanSerializer(first).fields is LoanSerializer(second).fields
    assert LoanSerializer(first).data["principal"] == "10000.00"
    assert LoanSerializer(second).data["principal"] == "2500.50"


def test_the_api_reads_only_the_columns_it_shows_and_still_shows_every_field(
    django_assert_num_queries,
):
    business_date_set()
    partner = api_partner().partner
    loan = partner_loan(partner)

    class Request:
        pass

    request = Request()
    request.partner = partner  # type: ignore[attr-defined]  # as PartnerHasScope sets it
    row = partner_loans(request).get(pk=loan.pk)  # type: ignore[arg-type]

    full = Loan.objects.select_related("product").get(pk=loan.pk)
    with django_assert_num_queries(0):  # no column the serializer reads was left out
        data = LoanSerializer(row).data
    assert data == LoanSerializer(full).data
    assert row.get_deferred_fields()  # columns the API does not show were left out


def test_the_loan_read_by_id_is_the_orm_loan_and_only_the_partners(django_assert_num_queries):
    business_date_set()
    partner, other = api_partner().partner, api_partner().partner
    loan = partner_loan(partner)
    repayment_post(
        loan=loan,
        amount=Decimal("12.34"),
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.PARTNER,
    )
    full = Loan.objects.select_related("product").get(pk=loan.pk)

    with django_assert_num_queries(1):
        read = partner_loan_read(partner_id=partner.pk, loan_id=loan.pk)
        assert read is not None
        data = LoanSerializer(read).data
    assert data == LoanSerializer(full).data
    columns = [name for name in API_LOAN_COLUMNS if "__" not in name]
    assert [getattr(read, name) for name in columns] == [getattr(full, name) for name in columns]
    assert read.product.code == full.product.code
    assert partner_loan_read(partner_id=other.pk, loan_id=loan.pk) is None
    assert partner_loan_read(partner_id=partner.pk, loan_id=loan.pk + 1000) is None
    with django_assert_num_queries(0):
        assert (
            partner_loan_read(partner_id=partner.pk, loan_id=2**63) is None
        )  # beyond bigint: not even asked
