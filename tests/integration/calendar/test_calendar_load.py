"""`calendar_load YEAR`: the working calendar loaded from its data file (PRODUCT §12)."""

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from loans.calendar.models import CalendarDay, CalendarYear
from loans.calendar.selectors import next_working_days_between, pay_by_date_for
from loans.calendar.services import SHIPPED_DATA, calendar_year_load

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = StringIO()
    call_command("calendar_load", *args, stdout=out)
    return out.getvalue()


def _rows(year: int) -> list[tuple[Any, ...]]:
    days = CalendarDay.objects.filter(day__year=year).order_by("day")
    return list(
        days.values_list("day", "kind", "is_working", "following_working_date", "name", "verified")
    )


def _shipped(year: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHIPPED_DATA / f"{year}.json").read_text("utf-8"))
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{data['year']}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_2026_loads_every_day_with_its_holidays_and_make_up_days():
    out = _load("2026")

    assert "Calendar 2026: reading" in out
    assert "replaced 0 rows" in out
    assert "Calendar 2026 loaded." in out
    assert CalendarDay.objects.filter(day__year=2026).count() == 365
    # The notice of 4 November 2025: 33 rest days in 7 holidays, 6 make-up working days.
    kinds = dict.fromkeys(("HOLIDAY", "MAKEUP_WORKDAY"), 0)
    for kind in CalendarDay.objects.values_list("kind", flat=True):
        kinds[kind] = kinds.get(kind, 0) + 1
    assert (kinds["HOLIDAY"], kinds["MAKEUP_WORKDAY"]) == (33, 6)
    assert kinds["WORKDAY"] + kinds["MAKEUP_WORKDAY"] == 248  # the working days of 2026
    year = CalendarYear.objects.get(year=2026)
    assert year.verified is True
    assert "2025-11-04" in year.source


@pytest.mark.parametrize(
    ("day", "kind", "following"),
    [
        (date(2026, 1, 1), "HOLIDAY", date(2026, 1, 4)),  # Sunday 4 January is worked
        (date(2026, 1, 4), "MAKEUP_WORKDAY", date(2026, 1, 4)),
        (date(2026, 2, 14), "MAKEUP_WORKDAY", date(2026, 2, 14)),  # a Saturday worked
        (date(2026, 2, 15), "HOLIDAY", date(2026, 2, 24)),  # Spring Festival, 9 days
        (date(2026, 2, 23), "HOLIDAY", date(2026, 2, 24)),
        (date(2026, 3, 7), "WEEKEND", date(2026, 3, 9)),
        (date(2026, 3, 9), "WORKDAY", date(2026, 3, 9)),
        (date(2026, 10, 1), "HOLIDAY", date(2026, 10, 8)),
        (date(2026, 10, 10), "MAKEUP_WORKDAY", date(2026, 10, 10)),
        (date(2026, 12, 26), "WEEKEND", date(2026, 12, 28)),
    ],
)
def test_2026_days(day, kind, following):
    calendar_year_load(year=2026)

    row = CalendarDay.objects.get(day=day)
    assert (row.kind, row.following_working_date) == (kind, following)
    assert pay_by_date_for(day) == following


def test_2027_is_marked_unverified_and_says_so():
    out = _load("2027")

    assert "2027 is not verified" in out
    assert "2027-02-09" in out  # a substitute rest day not yet checked against the notice
    assert CalendarYear.objects.get(year=2027).verified is False
    spring = CalendarDay.objects.get(day=date(2027, 2, 6))  # 初一
    assert (spring.kind, spring.verified, spring.following_working_date) == (
        "HOLIDAY",
        True,
        date(2027, 2, 11),
    )
    assert CalendarDay.objects.get(day=date(2027, 2, 9)).verified is False
    assert CalendarDay.objects.get(day=date(2027, 3, 1)).verified is False  # 调休 unknown


def test_loading_a_year_twice_changes_nothing():
    _load("2026")
    before = _rows(2026)
    checksum = CalendarYear.objects.get(year=2026).checksum

    out = _load("2026")

    assert "replaced 365 rows" in out
    assert _rows(2026) == before
    assert CalendarYear.objects.get(year=2026).checksum == checksum


def test_reloading_replaces_the_year(tmp_path):
    _load("2026")
    data = _shipped(2026)
    data["holidays"] = [h for h in data["holidays"] if h["name"] != "中秋节"]

    _load("2026", "--file", str(_write(tmp_path, data)))

    assert CalendarDay.objects.get(day=date(2026, 9, 25)).kind == "WORKDAY"
    assert CalendarDay.objects.filter(day__year=2026, kind="HOLIDAY").count() == 30
    assert CalendarDay.objects.filter(day__year=2026).count() == 365


def test_loading_the_next_year_relinks_the_end_of_the_year_before(tmp_path):
    data_2026 = _shipped(2026)
    data_2026["holidays"].append(
        {"name": "测试", "from": "2026-12-31", "to": "2026-12-31", "verified": False}
    )
    _load("2026", "--file", str(_write(tmp_path, data_2026)))
    # 2027 not loaded: 1 January by the weekly rule (a holiday), then the weekend.
    assert pay_by_date_for(date(2026, 12, 31)) == date(2027, 1, 4)
    data_2027 = _shipped(2027)
    data_2027["holidays"].append(
        {"name": "测试", "from": "2027-01-04", "to": "2027-01-04", "verified": False}
    )

    out = _load("2027", "--file", str(_write(tmp_path, data_2027)))

    assert "1 days of 2026 re-linked" in out
    assert pay_by_date_for(date(2026, 12, 31)) == date(2027, 1, 5)
    assert next_working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == {
        date(2026, 12, 31): date(2027, 1, 5),
        date(2027, 1, 1): date(2027, 1, 5),
        date(2027, 1, 2): date(2027, 1, 5),
        date(2027, 1, 3): date(2027, 1, 5),
        date(2027, 1, 4): date(2027, 1, 5),
    }


def test_a_year_without_shipped_data_is_refused():
    with pytest.raises(CommandError, match=r"No calendar data for 2031.*shipped years: 2026, 2027"):
        _load("2031")
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


def _broken(change: str) -> dict[str, Any]:
    data = _shipped(2026)
    if change == "year":
        data["year"] = 2025
    elif change == "outside":
        data["holidays"][0]["from"] = "2025-12-31"
    elif change == "backwards":
        data["holidays"][0]["from"] = "2026-01-05"
    elif change == "weekday":
        data["makeup_workdays"][0]["date"] = "2026-01-05"
    elif change == "twice":
        data["makeup_workdays"][0]["date"] = "2026-02-15"
    elif change == "run":
        data["holidays"].append(
            {"name": "长假", "from": "2026-07-01", "to": "2026-07-20", "verified": True}
        )
    elif change == "verified":
        del data["verified"]
    return data


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("year", "the file is for year 2025, not 2026"),
        ("outside", r"holidays\[1\].from: 2025-12-31 is not in 2026"),
        ("backwards", r"holidays\[1\]: 'to' 2026-01-03 is before 'from' 2026-01-05"),
        ("weekday", r"makeup_workdays\[1\]: 2026-01-05 is a weekday"),
        ("twice", r"makeup_workdays\[1\]: 2026-02-15 is listed twice"),
        ("run", "more than 14 non-working days in a row up to 2026-07-15"),
        ("verified", "'verified' must be true or false"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason_and_nothing_changes(tmp_path, change, reason):
    _load("2026")
    before = _rows(2026)

    with pytest.raises(CommandError, match=reason):
        _load("2026", "--file", str(_write(tmp_path, _broken(change))))

    assert _rows(2026) == before


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "2026.json"
    path.write_text('{"year": 2026,', "utf-8")

    with pytest.raises(CommandError, match="not JSON: line 1"):
        _load("2026", "--file", str(path))


def test_the_database_refuses_a_working_day_that_rolls_forward():
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(
            day=date(2026, 3, 9), kind="WORKDAY", is_working=True,
            following_working_date=date(2026, 3, 10), verified=True,
        )  # fmt: skip
