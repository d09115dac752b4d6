"""Credit-bureau exports are kept, never rewritten (issue #19, PRODUCT §13).

A row trigger refuses UPDATE and DELETE of a bureau record, and of a bureau run once it is
finished (its file's SHA-256 recorded; ``bureau_export`` fills it in, in the transaction that
created the run). TRUNCATE (the test harness's reset) fires no row trigger. ENABLE ALWAYS, as
the ledger's guards are.
"""

from django.db import migrations

TABLES = (
    ("reporting_bureaurecord", "bureau_record_kept"),
    ("reporting_bureaurun", "bureau_run_kept"),
)

FUNCTION = """
CREATE FUNCTION reporting_bureau_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Nested: PL/pgSQL does not promise to stop at the first false operand of AND, and a
    -- record row has no file_sha256.
    IF TG_TABLE_NAME = 'reporting_bureaurun' AND TG_OP = 'UPDATE' THEN
        IF OLD.file_sha256 = '' THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'bureau exports are kept: % of % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
"""

TRIGGERS = "".join(
    f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION reporting_bureau_kept();"
    f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
    for table, name in TABLES
)

DROP = (
    "".join(f"DROP TRIGGER {name} ON {table};" for table, name in TABLES)
    + "DROP FUNCTION reporting_bureau_kept();"
)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_bureau_runs")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, DROP)]
