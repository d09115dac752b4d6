"""``{% collections_state loan as state %}``: a loan's collections state on the business date,
for ``admin/backoffice/_collections_state.html`` (issue #23)."""

from __future__ import annotations

from django import template

from loans.backoffice.worklist import CollectionsState, loan_collections_state
from loans.calendar.selectors import business_date_current
from loans.servicing.models import Loan

register = template.Library()


@register.simple_tag
def collections_state(loan: Loan) -> CollectionsState:
    return loan_collections_state(loan=loan, as_of=business_date_current())
