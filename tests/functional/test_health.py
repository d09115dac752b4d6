import pytest
from django.test import Client

from lendportal import health


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
