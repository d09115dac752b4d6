"""The portal's formats (issue #5) and the completeness of its Chinese translation."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

from loans.portal.templatetags.portal import day, label, moment, percent, yuan

PO = Path(__file__).resolve().parents[3] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "¥1,234.50"),
        (Decimal("0.005"), "¥0.01"),
        (Decimal("30000"), "¥30,000.00"),
        (Decimal("-12.3"), "-¥12.30"),
        (None, ""),
    ],
)
def test_amounts_read_as_yuan_with_two_decimals(value, shown):
    assert yuan(value) == shown


def test_dates_are_chinese_or_english_by_language():
    with translation.override("zh-hans"):
        assert day(date(2027, 1, 1)) == "2027年1月1日"
        assert moment(datetime(2027, 1, 1, 2, 30, tzinfo=UTC)) == "2027年1月1日 10:30"
    with translation.override("en"):
        assert day(date(2027, 1, 1)) == "1 January 2027"


def test_rates_are_percentages_half_up():
    assert percent(Decimal("0.172345")) == "17.23%"
    assert percent(Decimal("0.108000")) == "10.80%"
    assert percent(Decimal("0.239950")) == "24.00%"


def test_codes_are_translated():
    with translation.override("zh-hans"):
        assert label("PAID_OFF") == "已结清"
        assert label("UNKNOWN_CODE") == "UNKNOWN_CODE"


def test_every_string_has_a_chinese_translation():
    with PO.open("rb") as po:
        catalog = read_po(po)

    def translated(message) -> bool:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(strings) and not message.fuzzy

    missing = [message.id for message in catalog if message.id and not translated(message)]
    assert missing == []
