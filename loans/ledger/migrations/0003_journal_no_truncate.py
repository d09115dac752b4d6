"""TRUNCATE of the journal is refused too (issue #16 hole 2).

The row triggers of loans 0002 refuse UPDATE and DELETE, but TRUNCATE skips row triggers:
``TRUNCATE loans_journalline CASCADE`` emptied the books. A statement trigger on each journal
table refuses it, TRUNCATE ... CASCADE from a referencing table included. Only the table's owner
may truncate, in a session that turned ``lendportal.allow_truncate`` on (the test harness's
reset, tests/conftest.py); the application's role holds no TRUNCATE privilege at all
(docs/database.md). ENABLE ALWAYS, as loans 0007 does for the other guards.
"""

from django.db import migrations

TABLES = (
    ("loans_journalentry", "journal_entry_no_truncate"),
    ("loans_journalline", "journal_line_no_truncate"),
)

FUNCTION = """
CREATE FUNCTION ledger_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lendportal.allow_truncate', true) = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the ledger is append-only: TRUNCATE of % refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
"""

TRIGGERS = "".join(
    f"CREATE TRIGGER {name} BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();"
    f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
    for table, name in TABLES
)

DROP = (
    "".join(f"DROP TRIGGER {name} ON {table};" for table, name in TABLES)
    + "DROP FUNCTION ledger_refuse_truncate();"
)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_initial")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, DROP)]
