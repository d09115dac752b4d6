"""The read replica (#20, docs/scaling.md): the dashboard, its CSV export and the event feed read
the "replica" alias; money services and every other read use the primary.

The replica is Django's TEST MIRROR of the test database (lendportal/settings/test.py): the same
rows on a connection of its own, so the queries are counted per connection. Real transactions
(transaction=True): a row written in a test's wrapping transaction would be invisible to the
replica's connection, and inside that transaction every read goes to the primary anyway.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import FINANCE
from loans.api.views import events as events_view
from loans.backoffice.selectors import portfolio_dashboard
from loans.events.selectors import UnknownEventCursor
from loans.replica import PRIMARY, REPLICA, read_alias, replica_reads
from loans.servicing.models import Loan, Repayment, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import totp_enable
from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import DRAW_DATE, draw
from tests.functional.backoffice.conftest import client_for, staff_member

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture
def replica(settings: Any) -> None:
    settings.LENDPORTAL_READ_REPLICA = True  # as DATABASE_REPLICA_URL does


@contextmanager
def queries() -> Iterator[dict[str, list[str]]]:
    """The SQL each connection ran inside, by alias."""
    with (
        CaptureQueriesContext(connections[PRIMARY]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as copy,
    ):
        sql: dict[str, list[str]] = {}
        yield sql
    sql[PRIMARY] = [q["sql"] for q in primary.captured_queries]
    sql[REPLICA] = [q["sql"] for q in copy.captured_queries]


def _touching(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if f'"{table}"' in s]


def test_the_dashboard_reads_the_replica_only(replica):
    draw(principal="10000.00", term=12)

    with queries() as sql:
        dashboard = portfolio_dashboard(as_of=DRAW_DATE)

    assert dashboard.active_loans == 1
    assert dashboard.principal_outstanding == Decimal("10000.00")
    # The stock by bucket, the twelve months, the latest roll rates and the open date's flows
    # so far (#23): four reads, no more.
    assert len(sql[REPLICA]) == 4
    # The stock comes from the rows the loans' triggers keep (#20), not from the loans.
    assert len([s for s in sql[REPLICA] if "FROM loans_loanstock" in s]) == 1
    assert _touching(sql[REPLICA], "loans_loan") == []
    assert sql[PRIMARY] == []


def test_the_csv_export_reads_its_figures_from_the_replica(replica):
    business_date_set(DRAW_DATE)
    draw(principal="10000.00", term=12)
    member = staff_member("finance-1", FINANCE)
    totp_enable(member)  # staff without TOTP are sent to set it up first
    finance = client_for(member)

    with queries() as sql:
        response = finance.get(reverse("backoffice:portfolio_csv"))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["summary", "active_loans", "1", ""] in rows
    assert len(sql[REPLICA]) == 4
    # The primary serves the session, the user and the business date: never the portfolio.
    assert _touching(sql[PRIMARY], "loans_loan") == []
    assert _touching(sql[PRIMARY], "reporting_portfolioday") == []
    assert len(sql[PRIMARY]) > 0


def test_the_event_feed_reads_the_replica_and_numbers_events_on_the_primary(replica):
    acme = api_partner()
    business_date_set(DRAW_DATE)
    partner_loan(acme.partner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {acme.token}")

    with queries() as sql:
        body = api.get("/api/v1/events").json()

    assert [event["type"] for event in body["results"]] == ["loan.disbursed"]
    assert len(_touching(sql[REPLICA], "loans_outboxevent")) == 1
    assert sql[REPLICA][0].startswith('SELECT "loans_outboxevent"')
    # The token and the numbering (an UPDATE under an advisory lock) stay on the primary.
    assert len([s for s in sql[PRIMARY] if "UPDATE loans_outboxevent" in s]) == 1
    assert all(not s.startswith('SELECT "loans_outboxevent"."id", ') for s in sql[PRIMARY])


def test_a_cursor_not_yet_on_the_replica_is_looked_up_on_the_primary(replica, monkeypatch):
    acme = api_partner()
    business_date_set(DRAW_DATE)
    partner_loan(acme.partner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {acme.token}")
    first = api.get("/api/v1/events").json()["results"][0]["id"]
    real = events_view.partner_events_after
    asked: list[str] = []

    def behind(**kwargs: Any) -> Any:  # a replica a moment behind knows no such event yet
        asked.append(read_alias())
        if read_alias() == REPLICA:
            raise UnknownEventCursor(kwargs["after"])
        return real(**kwargs)

    monkeypatch.setattr(events_view, "partner_events_after", behind)

    response = api.get(f"/api/v1/events?after={first}")

    assert response.status_code == 200
    assert response.json() == {"results": [], "next_after": first}
    assert asked == [REPLICA, PRIMARY]


def test_a_money_service_reads_the_primary_even_when_asked_for_the_replica(replica):
    loan = draw(principal="10000.00", term=12)

    with queries() as sql, replica_reads():
        repayment_post(
            loan=loan,
            amount=Decimal("100.00"),
            value_date=DRAW_DATE,
            as_of=DRAW_DATE,
            channel=RepaymentChannel.BACK_OFFICE,
        )

    assert sql[REPLICA] == []
    assert len(_touching(sql[PRIMARY], "loans_loan")) >= 1
    assert Repayment.objects.get(loan=loan).amount == Decimal("100.00")


def test_inside_atomic_a_replica_read_goes_to_the_primary(replica):
    draw(principal="10000.00", term=12)

    with queries() as sql, transaction.atomic():
        dashboard = portfolio_dashboard(as_of=DRAW_DATE)

    assert dashboard.active_loans == 1
    assert sql[REPLICA] == []
    assert len(sql[PRIMARY]) == 4 + 2  # the four reads, and the savepoint's BEGIN/COMMIT


def test_other_reads_go_to_the_primary(replica):
    loan = draw(principal="10000.00", term=12)

    with queries() as sql:
        Loan.objects.get(pk=loan.pk)
        with replica_reads():
            copy = Loan.objects.get(pk=loan.pk)
        copy.installments.count()  # followed outside the block: the primary

    assert len(sql[REPLICA]) == 1
    assert len(sql[PRIMARY]) == 2
    assert copy._state.db == REPLICA
    assert router.db_for_write(Loan, instance=copy) == PRIMARY


def test_without_a_replica_everything_reads_the_primary():
    draw(principal="10000.00", term=12)

    with queries() as sql:
        portfolio_dashboard(as_of=DRAW_DATE)

    assert sql[REPLICA] == []
    assert len(sql[PRIMARY]) == 4


def test_the_replica_is_never_migrated():
    assert router.allow_migrate(REPLICA, "servicing") is False
    assert router.allow_migrate(PRIMARY, "servicing") is True
