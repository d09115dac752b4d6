"""The audit trail is append-only in the database too (issue #16 hole 2).

- A row trigger refuses UPDATE and DELETE of ``accounts_auditevent``, whoever asks.
- A statement trigger refuses TRUNCATE, which skips row triggers. Only the table's owner may
  truncate, and only in a session that turned ``lendportal.allow_truncate`` on: the test
  harness empties the tables that way after a transactional test (tests/conftest.py). The
  application's role is not the owner and holds no TRUNCATE privilege at all (docs/database.md).
- ENABLE ALWAYS: the guards fire with ``session_replication_role = replica`` too.
"""

from django.db import migrations

GUARDS = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lendportal.allow_truncate', true) = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE of % refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
ALTER TABLE accounts_auditevent ENABLE ALWAYS TRIGGER audit_event_append_only;
ALTER TABLE accounts_auditevent ENABLE ALWAYS TRIGGER audit_event_no_truncate;
"""

DROP_GUARDS = """
DROP TRIGGER audit_event_no_truncate ON accounts_auditevent;
DROP TRIGGER audit_event_append_only ON accounts_auditevent;
DROP FUNCTION audit_refuse_truncate();
DROP FUNCTION audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_borrower_identity_protection")]

    operations = [migrations.RunSQL(GUARDS, DROP_GUARDS)]
