from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from lendportal import health
from loans.calendar.models import BusinessDate
from loans.cob.models import CobRun, CobRunStatus
from tests.factories.accounts import totp_enable


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_up(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_failed_check(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down() -> None:
        raise ConnectionRefusedError("no broker")

    monkeypatch.setitem(health.CHECKS, "broker", broker_down)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionRefusedError"}
    assert body["checks"]["database"]["ok"] is True


def test_healthz_refuses_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_home_page_renders_in_chinese_and_english(client: Client) -> None:
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 200
    assert 'lang="zh-hans"' in chinese.content.decode()
    assert 'lang="en"' in english.content.decode()


@pytest.mark.django_db
def test_healthz_full_tells_the_business_date_last_night_and_beat(client: Client) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": date(2027, 3, 15)})
    CobRun.objects.create(business_date=date(2027, 3, 14), status=CobRunStatus.DONE, chunk_size=10)
    cache.delete(health.BEAT_TICK_KEY)
    morning = datetime(2027, 3, 15, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

    with time_machine.travel(morning, tick=False):
        silent = client.get("/healthz?full=1").json()["detail"]
        health.beat_tick()
        ticking = client.get("/healthz?full=1").json()["detail"]
    with time_machine.travel(morning + timedelta(days=1), tick=False):
        late = client.get("/healthz?full=1")

    assert silent["business_date"] == "2027-03-15"
    assert silent["last_night_closed"] is True  # 2027-03-14 closed, 15 is today in Beijing
    assert silent["last_close"]["date"] == "2027-03-14"
    assert silent["last_close"]["status"] == "DONE"
    assert silent["beat"] == {"last_tick": None, "seconds_ago": None, "ok": False}
    assert ticking["beat"]["ok"] is True
    assert ticking["beat"]["seconds_ago"] == 0
    assert late.status_code == 200  # the night's batch never takes a web process out
    assert late.json()["detail"]["last_night_closed"] is False  # 2027-03-15 not closed
    assert late.json()["detail"]["beat"]["ok"] is False  # a day without a tick
    assert "detail" not in client.get("/healthz").json()


@pytest.mark.django_db
def test_the_admins_system_page_shows_the_same_to_staff_only(client: Client) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": date(2027, 3, 15)})
    anonymous = client.get("/admin/system/")
    staff = User.objects.create_user(username="ops", password="x", is_staff=True)
    totp_enable(staff)
    client.force_login(staff)

    page = client.get("/admin/system/", headers={"accept-language": "en"})

    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert page.status_code == 200
    text = page.content.decode()
    assert "2027-03-15" in text
    assert "Beat's last tick" in text
    assert "database" in text
