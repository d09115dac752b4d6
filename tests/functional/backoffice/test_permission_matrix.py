"""Each role opens and does exactly its back-office pages and actions (issue #6).

The matrix is data: (page or action, the roles allowed). Every role is tried on every row;
allowed means 200 (page) or the service's effect (action); refused means 403 and no effect.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.roles import ADMINISTRATOR, COLLECTIONS_AGENT, FINANCE, LOAN_OFFICER, RISK_MANAGER
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.ledger.models import JournalEntry
from loans.origination.models import ApplicationStatus, CreditApplication, LoanProduct, Payout
from loans.servicing.models import Loan, LoanStatus
from tests.functional.backoffice.conftest import ROLES, World, world_build
from tests.functional.test_admin_pages import product_form

pytestmark = pytest.mark.django_db

ALL = frozenset(ROLES)
OFFICER, RISK, AGENT, FIN, ADMIN = (
    LOAN_OFFICER,
    RISK_MANAGER,
    COLLECTIONS_AGENT,
    FINANCE,
    ADMINISTRATOR,
)


def page(name: str, *args: object) -> Callable[[World], str]:
    def url(world: World) -> str:
        return reverse(f"admin:{name}", args=[a(world) if callable(a) else a for a in args])

    return url


# (page, url, roles that may open it)
PAGES: list[tuple[str, Callable[[World], str], frozenset[str]]] = [
    (
        "referred queue",
        page("backoffice_referredapplication_changelist"),
        frozenset({OFFICER, RISK, ADMIN}),
    ),
    (
        "review form",
        page("backoffice_referredapplication_review", lambda w: w.application.pk),
        frozenset({OFFICER, RISK, ADMIN}),
    ),
    (
        "pending disbursements",
        page("backoffice_pendingdisbursement_changelist"),
        frozenset({OFFICER, ADMIN}),
    ),
    (
        "request disbursement",
        page("backoffice_pendingdisbursement_request_disbursement", lambda w: w.pending_loan.pk),
        frozenset({OFFICER, ADMIN}),
    ),
    ("approvals queue", page("backoffice_pendingapproval_changelist"), ALL),
    (
        "approve disbursement",
        page("backoffice_pendingapproval_approve", lambda w: w.disbursement.pk),
        frozenset({OFFICER, ADMIN}),
    ),
    (
        "approve write-off",
        page("backoffice_pendingapproval_approve", lambda w: w.write_off.pk),
        frozenset({OFFICER, RISK, ADMIN}),
    ),
    (
        "approve waiver",
        page("backoffice_pendingapproval_approve", lambda w: w.waiver.pk),
        frozenset({OFFICER, RISK, ADMIN}),
    ),
    (
        "approve adjustment",
        page("backoffice_pendingapproval_approve", lambda w: w.adjustment.pk),
        frozenset({FIN, ADMIN}),
    ),
    (
        "approve product change",
        page("backoffice_pendingapproval_approve", lambda w: w.product_change.pk),
        frozenset({RISK, ADMIN}),
    ),
    (
        "reject product change",
        page("backoffice_pendingapproval_reject", lambda w: w.product_change.pk),
        frozenset({RISK, ADMIN}),
    ),
    ("approvals history", page("backoffice_decidedapproval_changelist"), ALL),
    ("add product", page("origination_loanproduct_add"), frozenset({RISK, ADMIN})),
    # Loan officers read a loan's ledger entries (the officers' loan page shows them too).
    ("journal", page("ledger_journalentry_changelist"), frozenset({OFFICER, RISK, FIN, ADMIN})),
    ("payouts", page("origination_payout_changelist"), frozenset({OFFICER, FIN, ADMIN})),
    ("audit trail", page("accounts_auditevent_changelist"), frozenset({ADMIN})),
    ("users", page("accounts_user_changelist"), frozenset({ADMIN})),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(role: str, client: Client, staff_client: Any):
    world = world_build()
    staff_client(role)

    opened = {name: client.get(url(world)).status_code for name, url, _ in PAGES}

    expected = {name: 200 if role in allowed else 403 for name, _, allowed in PAGES}
    assert opened == expected


def _review(world: World, client: Client) -> tuple[int, object]:
    url = reverse("admin:backoffice_referredapplication_review", args=[world.application.pk])
    data = {"decision": "approve", "grade": "B", "credit_limit": "8000", "confirm": "yes"}
    status = client.post(url, data).status_code
    return status, (
        CreditApplication.objects.get(pk=world.application.pk).status == ApplicationStatus.APPROVED
    )


def _request_disbursement(world: World, client: Client) -> tuple[int, object]:
    url = reverse(
        "admin:backoffice_pendingdisbursement_request_disbursement", args=[world.pending_loan.pk]
    )
    status = client.post(url, {"confirm": "yes", "reason": "large"}).status_code
    return status, ApprovalRequest.objects.filter(
        loan=world.pending_loan, kind=ApprovalKind.DISBURSEMENT
    ).exists()


def _decide(
    attribute: str, decision: str, data: dict[str, str]
) -> Callable[[World, Client], tuple[int, object]]:
    def act(world: World, client: Client) -> tuple[int, object]:
        request = getattr(world, attribute)
        url = reverse(f"admin:backoffice_pendingapproval_{decision}", args=[request.pk])
        status = client.post(url, data).status_code
        return status, ApprovalRequest.objects.get(pk=request.pk).status != ApprovalStatus.PENDING

    return act


def _change_product(world: World, client: Client) -> tuple[int, object]:
    product = cast(LoanProduct, world.product_change.product)
    ApprovalRequest.objects.filter(pk=world.product_change.pk).delete()  # free the product
    data = product_form(
        code=product.code,
        methods=",".join(product.methods),
        terms=",".join(str(t) for t in product.terms),
        annual_rate="",
        rates_by_grade=json.dumps(product.rates_by_grade | {"E": "0.200000"}),
    )
    response = client.post(reverse("admin:origination_loanproduct_change", args=[product.pk]), data)
    return response.status_code, ApprovalRequest.objects.filter(
        product=product, kind=ApprovalKind.PRODUCT_CHANGE
    ).exists()


# (action, how to do it and whether it took effect, roles that may do it)
ACTIONS: list[tuple[str, Callable[[World, Client], tuple[int, object]], frozenset[str]]] = [
    ("approve a referred application", _review, frozenset({OFFICER, RISK, ADMIN})),
    ("request a disbursement", _request_disbursement, frozenset({OFFICER, ADMIN})),
    (
        "approve a disbursement",
        _decide("disbursement", "approve", {"confirm": "yes"}),
        frozenset({OFFICER, ADMIN}),
    ),
    (
        "approve a write-off",
        _decide("write_off", "approve", {"confirm": "yes"}),
        frozenset({OFFICER, RISK, ADMIN}),
    ),
    (
        "reject a waiver",
        _decide("waiver", "reject", {"reason": "no"}),
        frozenset({OFFICER, RISK, ADMIN}),
    ),
    (
        "approve an adjustment",
        _decide("adjustment", "approve", {"confirm": "yes"}),
        frozenset({FIN, ADMIN}),
    ),
    (
        "approve a product change",
        _decide("product_change", "approve", {"confirm": "yes"}),
        frozenset({RISK, ADMIN}),
    ),
    ("request a product change", _change_product, frozenset({RISK, ADMIN})),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_exactly_its_actions_and_each_is_audited(
    role: str, client: Client, staff_client: Any
):
    world = world_build()
    user: User = staff_client(role)

    results = {name: act(world, client) for name, act, _ in ACTIONS}
    done = {name: bool(took) for name, (_, took) in results.items()}

    assert done == {name: role in allowed for name, _, allowed in ACTIONS}
    # Done: redirected on to the next page; refused: 403, not a form with errors.
    statuses = {name: status for name, (status, _) in results.items()}
    assert statuses == {name: 302 if role in allowed else 403 for name, _, allowed in ACTIONS}
    # One event per action; an approved product change also records the change itself.
    audited = AuditEvent.objects.filter(actor=user).count()
    assert audited == sum(done.values()) + done["approve a product change"]
    disbursed = Loan.objects.filter(
        pk=cast(Loan, world.disbursement.loan).pk, status=LoanStatus.ACTIVE
    ).exists()
    assert disbursed == done["approve a disbursement"]
    assert Payout.objects.filter(loan=world.disbursement.loan).exists() == disbursed
    assert (
        JournalEntry.objects.filter(
            loan=world.adjustment.loan, entry_type="MANUAL_ADJUSTMENT"
        ).exists()
        == done["approve an adjustment"]
    )


def test_the_counts_above_a_queue_link_to_their_filtered_list(client: Client, staff_client: Any):
    world = world_build()
    staff_client(ADMIN)
    product = world.pending_loan.product

    listing = client.get(reverse("admin:backoffice_pendingdisbursement_changelist"))
    link = (
        reverse("admin:backoffice_pendingdisbursement_changelist")
        + f"?product__code={product.code}"
    )
    assert link.split("?")[1] in listing.content.decode()
    filtered = client.get(link)

    assert filtered.status_code == 200
    assert world.pending_loan in filtered.context["cl"].result_list
