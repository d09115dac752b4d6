"""DATABASES from the environment (lendportal/settings/database.py, #20, docs/scaling.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from lendportal.settings.database import (
    database_conn_max_age,
    database_pool_options,
    database_settings,
)

URL = "postgresql://lendportal_app@db.example.com:5432/lendportal"
VARIABLES = (
    "DATABASE_POOL_MAX_SIZE",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_TIMEOUT",
    "DATABASE_CONN_MAX_AGE",
    "DATABASE_PGBOUNCER",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_no_pool_by_default_and_connections_closed_after_each_request():
    database = database_settings(URL)

    assert database_pool_options() is None
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.com",
        5432,
        "lendportal",
    )


def test_the_pool_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "8")
    monkeypatch.setenv("DATABASE_POOL_TIMEOUT", "3")

    database = database_settings(URL)

    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 3.0}
    assert database["CONN_MAX_AGE"] == 0


def test_a_pool_of_one_keeps_at_most_one(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "1")

    assert database_pool_options() == {"min_size": 1, "max_size": 1, "timeout": 10.0}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DATABASE_POOL_MAX_SIZE": "4", "DATABASE_CONN_MAX_AGE": "60"}, "must be 0"),
        ({"DATABASE_POOL_MAX_SIZE": "4", "DATABASE_POOL_MIN_SIZE": "5"}, "between 0"),
        ({"DATABASE_POOL_MAX_SIZE": "four"}, "whole number"),
    ],
)
def test_contradictions_are_refused_at_start_up(monkeypatch, variables, message):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=message):
        database_settings(URL)


def test_persistent_connections_without_a_pool(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")

    assert database_conn_max_age(default=60) == 30
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE")
    assert database_conn_max_age(default=60) == 60


def test_behind_pgbouncer_no_server_side_cursor_and_no_prepared_statement(monkeypatch):
    monkeypatch.setenv("DATABASE_PGBOUNCER", "on")

    database = database_settings(URL)

    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None


def test_only_postgresql():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        database_settings("sqlite:///var/db.sqlite3")
