"""The back office's work home (issue #23): queues with counts, what waits for me, today's close
of business and auto-debit run, a branded header, and the pages grouped by work."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import ADMINISTRATOR, COLLECTIONS_AGENT, LOAN_OFFICER
from loans.backoffice.home import COUNT_CAP, capped_count
from loans.cob.models import CobRun, CobRunStatus
from loans.payments.models import CollectionRun
from loans.servicing.models import CollectionAssignment, Loan
from tests.factories.accounts import totp_enable
from tests.functional.backoffice.conftest import AS_OF, World, staff_member

pytestmark = pytest.mark.django_db


def home_for(username: str, role: str, language: str = "en") -> str:
    user = staff_member(username, role)
    totp_enable(user)
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str, section: str) -> list[tuple[str, str]]:
    """(label, count) of each row of the home's section ``work-<section>``."""
    block = page.split(f'id="work-{section}"')[1].split("</table>")[0]
    cell = r'<a href="[^"]*">([^<]+)</a></th><td class="queue-count">([^<]+)</td>'
    return [(label, count) for label, count in re.findall(cell, block)]


def test_the_home_counts_every_queue_an_administrator_works(world: World):
    page = home_for("boss", ADMINISTRATOR)

    assert rows(page, "queues") == [
        ("Approvals waiting for a second approver", "5"),
        ("Loans pending disbursement", "2"),
        ("Referred credit applications", "1"),
        ("Collections cases (overdue loans)", "1"),
        ("Finance queue: open settlement differences", "0"),
    ]


def test_waiting_for_me_leaves_out_my_own_requests(world: World):
    # maker-0 (a loan officer) asked for the disbursement: it waits for someone else.
    maker = world.disbursement.requested_by
    totp_enable(maker)
    client = Client(headers={"accept-language": "en"})
    client.force_login(maker)

    page = client.get("/admin/").content.decode()
    checker_page = home_for("checker", LOAN_OFFICER)

    # A loan officer approves disbursements, write-offs and waivers: 3 pending, 1 is the maker's.
    assert rows(page, "mine")[0] == ("Approvals I may decide", "2")
    assert rows(checker_page, "mine")[0] == ("Approvals I may decide", "3")


def test_my_collections_cases_count_only_my_overdue_loans(world: World):
    agent = staff_member("agent", COLLECTIONS_AGENT)
    overdue = Loan.objects.get(days_past_due=200)
    CollectionAssignment.objects.create(loan=overdue, agent=agent, assigned_by=agent)
    totp_enable(agent)
    client = Client(headers={"accept-language": "en"})
    client.force_login(agent)

    page = client.get("/admin/").content.decode()

    assert ("My collections cases", "1") in rows(page, "mine")


def test_counts_stop_at_the_cap(world: World):
    assert capped_count(Loan.objects.all()) == Loan.objects.count()
    with CaptureQueriesContext(connection) as queries:
        capped_count(Loan.objects.filter(status="ACTIVE"))
    assert f"LIMIT {COUNT_CAP + 1}" in queries[0]["sql"]


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            [
                "<title>Work home | LendPortal back office</title>",
                "LendPortal back office</a>",
                "Waiting for me",
                "Open business date</th><td>2027-01-20</td>",
                "Last close of business</th><td>2027-01-19 done</td>",
                "Tonight's close of business</th><td>not started</td>",
                "Today's auto-debit run</th><td>sending (12 planned)</td>",
            ],
        ),
        (
            "zh-hans",
            [
                "<title>工作台 | LendPortal 信贷后台</title>",
                "LendPortal 信贷后台</a>",
                "等我处理",
                "当前营业日</th><td>2027-01-20</td>",
                "上次日终</th><td>2027-01-19 完成</td>",
                "今晚日终</th><td>未开始</td>",
                "今日代扣批次</th><td>发送中（计划 12 笔）</td>",  # noqa: RUF001
            ],
        ),
    ],
)
def test_the_home_shows_today_in_both_languages(as_of, language: str, texts: list[str]):
    CobRun.objects.create(
        business_date=AS_OF.replace(day=19), status=CobRunStatus.DONE, chunk_size=1000
    )
    CollectionRun.objects.create(business_date=AS_OF, status="SENDING", planned=12)

    page = home_for("boss", ADMINISTRATOR, language)

    assert [text in page for text in texts] == [True] * len(texts)


def test_the_pages_are_grouped_by_work_not_by_app(as_of):
    page = home_for("boss", ADMINISTRATOR)

    captions = re.findall(r'<div class="app-(\w+) module" id="work-\w+">', page)
    assert captions == [
        "approvals",
        "origination",
        "servicing",
        "collections",
        "revolving",
        "money",
        "partners",
        "system",
    ]
    servicing = page.split('id="work-servicing"')[1].split("</table>")[0]
    assert "/admin/servicing/loan/" in servicing
    assert "/admin/accounts/borrower/" in servicing
