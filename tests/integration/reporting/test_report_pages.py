"""The report pages of PRODUCT §13 (issue #19): originations, balances by class and stage,
provisions, bureau runs with their rejects; in Chinese and English, each with its CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import COLLECTIONS_AGENT, FINANCE
from loans.reporting.models import BureauRecord, BureauRun, LoanClassification, PortfolioDay
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import staff

pytestmark = pytest.mark.django_db
__all__ = ["staff"]

D = Decimal
JANUARY = date(2027, 1, 31)


def _client(user: User, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def figures() -> dict[str, object]:
    PortfolioDay.objects.create(
        value_date=date(2027, 1, 15), disbursed_amount=D("21000.00"), disbursed_count=2
    )
    PortfolioDay.objects.create(
        value_date=date(2027, 2, 3), disbursed_amount=D("5000.50"), disbursed_count=1
    )
    normal, late = draw(principal="20000.00", term=6), draw(principal="1000.00", term=6)
    now = timezone.now()
    for loan, risk_class, stage, dpd, principal, rate, provision in (
        (normal, "NORMAL", 1, 0, "20000.00", "0.010000", "200.00"),
        (late, "SUBSTANDARD", 3, 95, "1000.00", "0.700000", "700.00"),
    ):
        LoanClassification.objects.create(
            loan=loan, month_end=JANUARY, risk_class=risk_class, provision_stage=stage,
            days_past_due=dpd, principal_outstanding_amount=D(principal), provision_rate=D(rate),
            provision_amount=D(provision), classified_at=now,
        )  # fmt: skip
    run = BureauRun.objects.create(
        month=date(2027, 1, 1), kind="FULL", writer="jsonl-v1",
        file_name="bureau-2027-01-run1.jsonl",
        file_sha256="ab" * 32, records_count=1, corrections_count=0, rejects_count=1,
        started_at=now, finished_at=now,
    )  # fmt: skip
    BureauRecord.objects.create(
        run=run, loan=late, month=date(2027, 1, 1), kind="BASE", digest="0" * 64,
        reject_reason="IDENTITY_INVALID", data={"Name": "李娜", "Month": "2027-01"},
    )  # fmt: skip
    return {"run": run, "late": late}


def _page(user: User, language: str, name: str, *args: object) -> str:
    response = _client(user, language).get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def _csv(user: User, name: str, *args: object) -> list[list[str]]:
    response = _client(user, "en").get(reverse(name, args=args))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_balances_by_class_and_stage_in_english_and_chinese(staff, figures):
    en = _page(staff[FINANCE], "en", "backoffice:report", "balances")
    assert "Balances by class and stage" in en
    assert "Substandard" in en
    assert "Stage 3" in en
    assert "¥20,000.00" in en
    assert "¥700.00" in en
    assert "95.24%" in en  # 20,000 / 21,000 of the principal
    assert "SUBSTANDARD" not in en  # labels, not codes
    zh = _page(staff[FINANCE], "zh-hans", "backoffice:report", "balances")
    assert "按分类和阶段的余额" in zh
    assert "次级" in zh
    assert "正常" in zh
    assert "第3阶段" in zh
    assert "¥20,000.00" in zh
    assert "<svg" in zh
    assert _csv(staff[FINANCE], "backoffice:report_csv", "balances") == [
        ["month_end", "account_type", "risk_class", "stage", "count", "principal", "share",
         "provision"],
        ["2027-01-31", "LOAN", "NORMAL", "1", "1", "20000.00", "0.952381", "200.00"],
        ["2027-01-31", "LOAN", "SUBSTANDARD", "3", "1", "1000.00", "0.047619", "700.00"],
    ]  # fmt: skip


def test_originations_and_provisions(staff, figures):
    en = _page(staff[FINANCE], "en", "backoffice:report", "originations")
    assert "¥21,000.00" in en
    assert "¥5,000.50" in en
    assert "2027-02" in en
    zh = _page(staff[FINANCE], "zh-hans", "backoffice:report", "originations")
    assert "每月放款" in zh
    assert _csv(staff[FINANCE], "backoffice:report_csv", "originations") == [
        ["month", "loans", "principal"],
        ["2027-01", "2", "21000.00"],
        ["2027-02", "1", "5000.50"],
    ]
    provisions = _page(staff[FINANCE], "en", "backoffice:report", "provisions")
    assert "¥900.00" in provisions
    assert "4.29%" in provisions
    assert "拨备" in _page(staff[FINANCE], "zh-hans", "backoffice:report", "provisions")
    assert _csv(staff[FINANCE], "backoffice:report_csv", "provisions")[1] == [
        "2027-01-31", "LOAN", "21000.00", "200.00", "0.00", "700.00", "900.00", "0.042857",
    ]  # fmt: skip


def test_bureau_runs_and_their_rejects(staff, figures):
    run = figures["run"]
    en = _page(staff[FINANCE], "en", "backoffice:report", "bureau")
    assert "Full month" in en
    assert "bureau-2027-01-run1.jsonl" in en
    assert reverse("backoffice:bureau_run", args=[run.pk]) in en
    rejects = _page(staff[FINANCE], "en", "backoffice:bureau_run", run.pk)
    assert "Identity number not valid" in rejects
    assert "李娜" in rejects
    zh = _page(staff[FINANCE], "zh-hans", "backoffice:bureau_run", run.pk)
    assert "证件号码无效" in zh
    assert _csv(staff[FINANCE], "backoffice:bureau_run_csv", run.pk) == [
        ["run", "account_type", "account", "account_code", "month", "kind", "reason"],
        [str(run.pk), "LOAN", str(figures["late"].pk), "", "2027-01", "BASE", "IDENTITY_INVALID"],
    ]
    index = _page(staff[FINANCE], "zh-hans", "backoffice:reports")
    assert "征信报送" in index


def test_only_staff_with_the_dashboard_permission(staff, figures):
    agent = _client(staff[COLLECTIONS_AGENT], "en")
    assert agent.get(reverse("backoffice:report", args=["balances"])).status_code == 403
    assert agent.get(reverse("backoffice:report_csv", args=["balances"])).status_code == 403
    assert _client(staff[FINANCE], "en").get("/admin/portfolio/reports/nothing/").status_code == 404
