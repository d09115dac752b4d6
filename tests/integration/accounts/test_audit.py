from collections.abc import Callable

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from accounts.audit import PersonalDataInAudit, audit_record
from accounts.database_roles import owner_credentials
from accounts.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_audit_record_names_actor_action_and_target() -> None:
    officer = User.objects.create_user(username="officer", is_staff=True)
    event = audit_record(actor=officer, action="borrower.reveal", target=officer, details={"n": 1})
    stored = AuditEvent.objects.get()
    assert stored == event
    assert (stored.actor, stored.action, stored.target_type, stored.target_id) == (
        officer,
        "borrower.reveal",
        "accounts.user",
        str(officer.pk),
    )
    assert stored.details == {"n": 1}


@pytest.mark.parametrize(
    "details",
    [
        {"mobile": "13812345678"},
        {"nested": {"id": "11010519491231002X"}},
        {"cards": ["6222021234567890123"]},
    ],
)
def test_audit_record_refuses_personal_data(details: dict[str, object]) -> None:
    officer = User.objects.create_user(username="officer", is_staff=True)
    with pytest.raises(PersonalDataInAudit):
        audit_record(actor=officer, action="x", target=officer, details=details)
    assert not AuditEvent.objects.exists()


def _edit(event: AuditEvent) -> None:
    event.action = "edited"
    event.save()


def _truncate(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        # The event's foreign-key check waits for commit; PostgreSQL truncates no table with
        # pending trigger events, so run it now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE accounts_auditevent")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_edit, id="save"),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).update(details={}), id="update"),
        pytest.param(lambda e: e.delete(), id="delete"),
        pytest.param(lambda e: AuditEvent.objects.all().delete(), id="delete-all"),
        pytest.param(_truncate, id="truncate"),
    ],
)
def test_the_audit_trail_is_append_only(change: Callable[[AuditEvent], object]) -> None:
    """Issue #16 hole 2: the database refuses any change, whoever the session's role is.

    The tables' owner (a single-role set-up) meets the triggers of accounts 0007; the
    application's role (DATABASE_OWNER_URL set, as in CI) holds SELECT and INSERT only, so
    PostgreSQL refuses it before any trigger (tests/integration/ledger/test_append_only_guards.py
    tries both).
    """
    officer = User.objects.create_user(username="officer", is_staff=True)
    event = audit_record(actor=officer, action="borrower.reveal", target=officer, details={"n": 1})
    before = list(AuditEvent.objects.values_list("id", "action", "details"))
    owner = owner_credentials()
    as_the_application = owner is not None and owner["USER"] != connection.settings_dict["USER"]

    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        change(event)

    cause = caught.value.__cause__
    assert isinstance(cause, psycopg.Error), repr(caught.value)
    assert cause.sqlstate == ("42501" if as_the_application else "23001"), str(cause)
    if not as_the_application:
        assert "the audit trail is append-only" in str(cause)
    assert list(AuditEvent.objects.values_list("id", "action", "details")) == before
