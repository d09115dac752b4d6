import pytest

from accounts.audit import PersonalDataInAudit, audit_record
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
