"""An entry must not stay without lines: checked at commit by a deferred constraint trigger.

The line trigger of 0002 cannot see an entry that never gets lines; this one fires for each new
entry when its transaction commits, after the lines were inserted.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION ledger_check_entry_has_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM loans_journalline WHERE entry_id = NEW.id) < 2 THEN
        RAISE EXCEPTION 'journal entry % has fewer than two lines', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER journal_entry_has_lines AFTER INSERT ON loans_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_has_lines();
"""

REVERSE = """
DROP TRIGGER journal_entry_has_lines ON loans_journalentry;
DROP FUNCTION ledger_check_entry_has_lines();
"""


class Migration(migrations.Migration):
    dependencies = [("loans", "0002_ledger_guards")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
