# ruff: noqa: RUF001 - Chinese labels use full-width brackets and colons by design
"""Field labels of the back office's change pages in Chinese (issue #23): every ``<label>`` and
every inline column header (``<th>``) reads in Chinese, with the lender's terms (本金, 逾期天数,
起息日...), never a model field's English name (``principal amount``, ``days past due``).

The labels come from each model field's ``verbose_name`` (``gettext_lazy``) and the admin's
``@admin.display(description=...)``; a field without one shows its name in English."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from accounts.models import User
from loans.servicing.models import Loan, Repayment, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import totp_enable
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import AS_OF
from tests.integration.revolving.world import shop_with_account

pytestmark = pytest.mark.django_db

# Words of Latin letters only (``Principal amount``, ``days past due:``): English, not Chinese.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z _]*")
# Names that read the same in both languages.
SAME_IN_BOTH = {"ID", "PDF", "SHA-256", "PDF SHA-256"}


class Labels(HTMLParser):
    """The text of every ``<label>`` and ``<th>`` of a page outside its ``<nav>`` (the admin's
    sidebar of models, named by their Meta), whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._depth = 0
        self._nav = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self._nav += 1
        if tag in {"label", "th"} and not self._nav:
            if self._depth == 0:
                self._text = []
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav:
            self._nav -= 1
        if tag in {"label", "th"} and self._depth:
            self._depth -= 1
            if self._depth == 0:
                text = " ".join("".join(self._text).split()).rstrip(":：").strip()
                if text:
                    self.found.append(text)

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)


def labels_of(html: str) -> list[str]:
    parser = Labels()
    parser.feed(html)
    return parser.found


def english_labels(labels: list[str]) -> list[str]:
    return [text for text in labels if ENGLISH.fullmatch(text) and text not in SAME_IN_BOTH]


@pytest.fixture
def chinese_admin(db) -> Client:
    user = User.objects.create_superuser("labels", "labels@example.com", "x-Very-Long-Pass-9")
    totp_enable(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def repaid(as_of) -> tuple[Loan, Repayment]:
    loan = draw(principal="10000.00", term=12)
    repayment = repayment_post(
        loan=loan,
        amount=Decimal("900.00"),
        value_date=AS_OF,
        as_of=AS_OF,
        channel=RepaymentChannel.BACK_OFFICE,
        reference="BANK-1",
    )
    return loan, repayment


def page_labels(client: Client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, (url, page.content[:300])
    return labels_of(page.content.decode())


def test_the_parser_finds_labels_and_headers_and_flags_english_ones():
    html = (
        '<nav><table><th scope="col">Model name</th></table></nav>'
        '<label for="x">本金:</label><label>Days past due:</label>'
        '<table><thead><tr><th class="column-x">Value date</th><th>起息日</th>'
        "<th>ID</th></tr></thead></table>"
    )

    assert labels_of(html) == ["本金", "Days past due", "Value date", "起息日", "ID"]
    assert english_labels(labels_of(html)) == ["Days past due", "Value date"]


# Our apps whose models the back office shows, and reporting's (its rows are read in the
# report pages and the shell; every field labelled too).
APPS = (
    "accounts", "origination", "servicing", "ledger", "events", "calendar", "cob", "approvals",
    "payments", "revolving", "documents", "api", "reporting",
)  # fmt: skip


def test_every_field_of_our_models_has_a_chinese_label():
    """Pages not opened below too: a field without a translated verbose_name fails here."""
    english = []
    with translation.override("zh-hans"):
        for label in APPS:
            for model in apps.get_app_config(label).get_models():
                for model_field in model._meta.get_fields(include_parents=False):
                    if model_field.auto_created and not model_field.concrete:
                        continue  # a reverse relation: labelled by the other model
                    name = str(getattr(model_field, "verbose_name", ""))
                    if ENGLISH.fullmatch(name) and name not in SAME_IN_BOTH:
                        english.append(f"{model._meta.label}.{model_field.name}: {name}")

    assert english == []


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # loan: terms, balances, and the schedule's and repayments' inline column headers
        (
            "loan",
            {"本金", "期数", "年利率", "年化利率", "宽限天数", "未偿本金", "逾期天数", "逾期阶段",
             "提款日", "期次", "还款日", "起息日", "渠道", "流水号", "创建人"},
        ),
        ("application", {"申请日期", "评分卡版本", "评分", "授信额度", "审批人", "信贷员备注"}),
        ("credit line", {"借款人", "授信申请", "总额度", "已用额度", "冻结原因", "年利率"}),
        ("repayment", {"贷款", "金额", "起息日", "渠道", "冲抵明细", "提前偿还本金", "多付款"}),
        ("borrower", {"姓名", "身份证号（脱敏）", "月收入", "工作月数", "征信查询授权时间"}),
        # the officers' account page (its own template): its headers, the generic check above
        ("revolving account", {"产品", "起息日", "金额"}),
        ("order", {"商户订单号", "商品描述", "分期期数", "过期时间", "已退款金额"}),
        ("credit lines", {"总额度", "已用额度", "可用额度"}),  # the list's column headers
    ],
)  # fmt: skip
def test_change_pages_label_every_field_in_chinese(chinese_admin, repaid, page, expected):
    loan, repayment = repaid
    shop = shop_with_account()
    order = shop.order("1200.00")
    line = loan.credit_line
    url = {
        "loan": f"/admin/servicing/loan/{loan.pk}/change/",
        "application": f"/admin/origination/creditapplication/{line.application_id}/change/",
        "credit line": f"/admin/servicing/creditline/{line.pk}/change/",
        "repayment": f"/admin/servicing/repayment/{repayment.pk}/change/",
        "borrower": f"/admin/accounts/borrower/{loan.borrower_id}/change/",
        "revolving account": f"/admin/revolving/revolvingaccount/{shop.account.pk}/change/",
        "order": f"/admin/revolving/order/{order.pk}/change/",
        "credit lines": "/admin/servicing/creditline/",
    }[page]

    labels = page_labels(chinese_admin, url)

    assert english_labels(labels) == [], labels
    assert expected <= set(labels), sorted(expected - set(labels))
