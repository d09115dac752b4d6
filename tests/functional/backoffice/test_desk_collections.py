"""Collections (#6): the worklist and its filters, assignment, promises kept and broken."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.roles import COLLECTIONS_AGENT, FINANCE, RISK_MANAGER
from loans.servicing.models import CollectionAssignment, Loan, PromiseToPay, RepaymentChannel
from loans.servicing.services.collections_desk import (
    AssignmentRefused,
    collection_assign,
    promise_to_pay_record,
    promises_resolve,
)
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import AS_OF, client_for, staff_member

pytestmark = pytest.mark.django_db

WORKLIST = reverse("admin:backoffice_overdueloan_changelist")


@pytest.fixture
def overdue(as_of) -> list[Loan]:
    loans = [draw(principal="1000.00", term=3) for _ in range(3)]
    for loan, days in zip(loans, [10, 45, 0], strict=True):
        Loan.objects.filter(pk=loan.pk).update(
            days_past_due=days, bucket={0: "CURRENT", 10: "M1", 45: "M2"}[days]
        )
    return loans


def _shown(response) -> list[int]:
    return [loan.pk for loan in response.context["cl"].result_list]


def test_the_worklist_lists_overdue_loans_worst_first_with_filters(staff, overdue):
    client = client_for(staff[COLLECTIONS_AGENT])

    everything = client.get(WORKLIST)
    m1 = client.get(WORKLIST, {"bucket__exact": "M1"})
    dpd = client.get(WORKLIST, {"dpd": "31-60"})

    assert _shown(everything) == [overdue[1].pk, overdue[0].pk]  # 45 then 10 DPD; not current
    assert _shown(m1) == [overdue[0].pk]
    assert _shown(dpd) == [overdue[1].pk]


def test_assign_to_me_from_the_worklist_and_filter_mine(staff, overdue):
    agent = staff[COLLECTIONS_AGENT]
    client = client_for(agent)

    client.post(
        WORKLIST, {"action": "assign_to_me", "_selected_action": [overdue[0].pk]}, follow=True
    )
    mine = client.get(WORKLIST, {"agent": "mine"})
    unassigned = client.get(WORKLIST, {"agent": "none"})

    assert CollectionAssignment.objects.get().agent == agent
    assert _shown(mine) == [overdue[0].pk]
    assert _shown(unassigned) == [overdue[1].pk]
    event = AuditEvent.objects.get(action="collections.assign")
    assert event.details == {"agent": agent.pk, "previous_agent": None}


def test_a_supervisor_assigns_in_bulk_to_an_agent_and_only_to_an_agent(staff, overdue):
    supervisor, agent = staff[RISK_MANAGER], staff[COLLECTIONS_AGENT]
    ids = [overdue[0].pk, overdue[1].pk]

    client_for(supervisor).post(
        WORKLIST,
        {"action": "assign_to_agent", "_selected_action": ids, "agent": agent.pk},
        follow=True,
    )
    with pytest.raises(AssignmentRefused):
        collection_assign(loan_ids=ids, agent=staff[FINANCE], by=supervisor)

    assert sorted(CollectionAssignment.objects.values_list("loan_id", "agent_id")) == sorted(
        (pk, agent.pk) for pk in ids
    )


def test_an_agent_cannot_assign_to_others(staff, overdue):
    response = client_for(staff[COLLECTIONS_AGENT]).get(WORKLIST)

    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "assign_to_me" in actions
    assert "assign_to_agent" not in actions


def test_promises_are_kept_by_repayments_and_broken_when_late(staff, overdue):
    agent = staff[COLLECTIONS_AGENT]
    kept_loan, broken_loan = overdue[0], overdue[1]
    made = date(2027, 2, 20)  # the first installments (due 2027-02-15) are overdue: promisable
    kept = promise_to_pay_record(
        loan=kept_loan, user=agent, amount=Decimal("50.00"), promised_date=date(2027, 2, 25),
        as_of=made,
    )  # fmt: skip
    broken = promise_to_pay_record(
        loan=broken_loan, user=agent, amount=Decimal("50.00"), promised_date=date(2027, 2, 22),
        as_of=made,
    )  # fmt: skip
    repayment_post(
        loan=kept_loan, amount=Decimal("60.00"), value_date=made, as_of=made,
        channel=RepaymentChannel.BACK_OFFICE,
    )  # fmt: skip

    early = promises_resolve(as_of=date(2027, 2, 21))
    late = promises_resolve(as_of=date(2027, 2, 26))

    assert early == {"KEPT": 0, "BROKEN": 0, "PENDING": 0}  # neither due yet
    assert late == {"KEPT": 1, "BROKEN": 1, "PENDING": 0}
    kept.refresh_from_db()
    broken.refresh_from_db()
    assert (kept.outcome, kept.paid_amount, kept.resolved_date) == (
        "KEPT",
        Decimal("60.00"),
        date(2027, 2, 26),
    )
    assert (broken.outcome, broken.paid_amount) == ("BROKEN", Decimal("0.00"))


def test_the_database_refuses_a_promise_of_nothing(staff, overdue):
    with pytest.raises(IntegrityError), transaction.atomic():
        PromiseToPay.objects.create(
            loan=overdue[0], created_by=staff[COLLECTIONS_AGENT], amount=Decimal("0.00"),
            business_date=AS_OF, promised_date=AS_OF,
        )  # fmt: skip


def test_reassigning_moves_only_what_changes_and_audits_each_move(staff, overdue):
    supervisor, first = staff[RISK_MANAGER], staff[COLLECTIONS_AGENT]
    second = staff_member("agent2", COLLECTIONS_AGENT)
    one, two = overdue[0].pk, overdue[1].pk

    assert collection_assign(loan_ids=[one], agent=first, by=first) == 1
    assert collection_assign(loan_ids=[one, two], agent=second, by=supervisor) == 2
    assert collection_assign(loan_ids=[one, two, 10**12], agent=second, by=supervisor) == 0

    assert sorted(
        CollectionAssignment.objects.values_list("loan_id", "agent_id", "assigned_by_id")
    ) == [(one, second.pk, supervisor.pk), (two, second.pk, supervisor.pk)]
    moves = AuditEvent.objects.filter(action="collections.assign").order_by("id")
    assert [(e.actor_id, e.target_type, e.target_id, e.details) for e in moves] == [
        (first.pk, "servicing.loan", str(one), {"agent": first.pk, "previous_agent": None}),
        (
            supervisor.pk,
            "servicing.loan",
            str(one),
            {"agent": second.pk, "previous_agent": first.pk},
        ),
        (supervisor.pk, "servicing.loan", str(two), {"agent": second.pk, "previous_agent": None}),
    ]
