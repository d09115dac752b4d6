"""The repayment's written-out reads equal the ORM's: every field, the lock, the partner filter."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from loans.servicing.models import Installment, Loan
from loans.servicing.services.locked_reads import installments_unpaid_read, loan_lock
from tests.factories.api import api_partner, business_date_set, partner_loan

pytestmark = pytest.mark.django_db


def _fields(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_the_locked_loan_is_the_orm_loan_and_only_the_partners(django_assert_num_queries):
    business_date_set()
    partner, other = api_partner().partner, api_partner().partner
    loan = partner_loan(partner)
    Loan.objects.filter(pk=loan.pk).update(allocation_rules={"order": ["PENALTY", "PRINCIPAL"]})
    orm = Loan.objects.get(pk=loan.pk)

    with transaction.atomic(), django_assert_num_queries(1) as captured:
        locked = loan_lock(loan_id=loan.pk, partner_id=partner.pk)

    assert _fields(locked) == _fields(orm)
    assert locked.allocation_rules == {"order": ["PENALTY", "PRINCIPAL"]}  # JSON, not its text
    assert captured.captured_queries[0]["sql"].endswith("FOR UPDATE")
    assert loan_lock(loan_id=loan.pk).pk == loan.pk
    with pytest.raises(Loan.DoesNotExist):
        loan_lock(loan_id=loan.pk, partner_id=other.pk)
    with pytest.raises(Loan.DoesNotExist):
        loan_lock(loan_id=loan.pk + 1000)


def test_the_unpaid_installments_are_the_orms_in_order_and_know_their_loan(
    django_assert_num_queries,
):
    business_date_set()
    loan = partner_loan(api_partner().partner, term=6)
    Installment.objects.filter(loan=loan, number__in=[1, 3]).update(paid_date=date(2027, 2, 15))
    orm = list(loan.installments.filter(paid_date__isnull=True).order_by("number"))

    with django_assert_num_queries(1):
        rows = installments_unpaid_read(loan=loan)
        assert all(row.loan is loan for row in rows)  # no query for the loan

    assert [row.number for row in rows] == [2, 4, 5, 6]
    assert [_fields(row) for row in rows] == [_fields(row) for row in orm]
    assert [model_to_dict(row) for row in rows] == [model_to_dict(row) for row in orm]
