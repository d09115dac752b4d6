"""Revolving credit in the back office (issue #18): the account page with its bills, orders
and payments, money formatted; the work home lists the group."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from accounts.roles import LOAN_OFFICER
from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingPaymentChannel
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.statements import statements_cut
from tests.factories.accounts import totp_enable
from tests.integration.revolving.world import shop_with_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db) -> Client:
    user = User.objects.create_superuser("boss", "boss@example.com", "x-Very-Long-Pass-9")
    totp_enable(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_account_page_shows_its_bills_orders_and_payments(officer: Client):
    shop = shop_with_account(statement_day=5)
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 3, 20))
    now = datetime(2027, 3, 20, 4, tzinfo=UTC)
    order_capture(order_id=shop.order("12345.60", 1, now=now).pk, now=now)
    statements_cut(statement_date=date(2027, 4, 5))
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("1234.56"),
        channel=RevolvingPaymentChannel.PARTNER,
        reference="PAY-1",
        now=now,
    )

    page = officer.get(f"/admin/revolving/revolvingaccount/{shop.account.pk}/change/")

    assert page.status_code == 200, page.content[:300]
    text = page.content.decode()
    assert "¥12,345.60" in text  # the bill and the order
    assert "¥1,234.56" in text  # the payment
    assert "¥11,111.04" in text  # still owed on the bill
    assert "PAY-1" in text


def test_every_role_reads_the_revolving_account_and_none_but_the_administrator_edits_it(
    staff_client, client
):
    shop = shop_with_account(statement_day=5)
    staff_client(LOAN_OFFICER, username="officer")

    page = client.get(f"/admin/revolving/revolvingaccount/{shop.account.pk}/change/")
    listed = client.get("/admin/revolving/order/")

    assert (page.status_code, listed.status_code) == (200, 200)
    assert 'name="_save"' not in page.content.decode()  # read-only


def _actions(response) -> list[str]:
    form = response.context["action_form"]  # None when the user may take no action
    return [] if form is None else [name for name, _label in form.fields["action"].choices]


def test_an_officer_closes_an_account_that_owes_nothing_and_is_told_why_not_otherwise(
    staff_client, client
):
    from accounts.models import AuditEvent
    from accounts.roles import COLLECTIONS_AGENT
    from loans.revolving.models import RevolvingAccount

    paid_up = shop_with_account()
    owing = shop_with_account()
    now = datetime(2027, 3, 15, 4, tzinfo=UTC)
    order_capture(order_id=owing.order("50.00", 1, now=now).pk, now=now)
    accounts = "/admin/revolving/revolvingaccount/"
    staff_client(COLLECTIONS_AGENT, username="agent")
    assert "close_accounts" not in _actions(client.get(accounts))
    staff_client(LOAN_OFFICER, username="officer")
    assert "close_accounts" in _actions(client.get(accounts))

    done = client.post(
        accounts,
        {"action": "close_accounts", "_selected_action": [paid_up.account.pk, owing.account.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Accounts closed: 1." in done.text
    assert f"{owing.account.pk}: The account still owes money" in done.text
    statuses = dict(RevolvingAccount.objects.values_list("pk", "status"))
    assert statuses == {paid_up.account.pk: "CLOSED", owing.account.pk: "ACTIVE"}
    event = AuditEvent.objects.get(action="revolving_account.closed")
    assert (event.target_id, event.details) == (
        str(paid_up.account.pk),
        {"closed_date": "2027-03-15"},
    )
