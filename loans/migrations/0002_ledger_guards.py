"""The database's own guard of the ledger (PRODUCT §3).

- Posted entries and lines are never updated or deleted: a trigger refuses UPDATE and DELETE
  (corrections are reversing entries).
- Every INSERT of lines must bring whole, balanced entries: per entry the lines of the statement
  sum to zero, there are at least two, and the entry had no lines before. A statement-level
  trigger over the transition table checks it once per statement, so a set-based nightly batch
  that inserts a million lines pays one check, not a million.
"""

from django.db import migrations

GUARDS = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % of % refused; post a reversing entry instead',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON loans_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_line_append_only BEFORE UPDATE OR DELETE ON loans_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.entry_id, n.total, n.lines INTO bad
    FROM (SELECT entry_id, sum(amount) AS total, count(*) AS lines
          FROM new_lines GROUP BY entry_id) AS n
    WHERE n.total <> 0
       OR n.lines < 2
       OR (SELECT count(*) FROM loans_journalline AS l WHERE l.entry_id = n.entry_id) <> n.lines
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % is not balanced or not whole (% lines in this statement, sum %)',
            bad.entry_id, bad.lines, bad.total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER journal_line_balanced AFTER INSERT ON loans_journalline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced();
"""

DROP_GUARDS = """
DROP TRIGGER journal_line_balanced ON loans_journalline;
DROP TRIGGER journal_line_append_only ON loans_journalline;
DROP TRIGGER journal_entry_append_only ON loans_journalentry;
DROP FUNCTION ledger_check_balanced();
DROP FUNCTION ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]

    operations = [
        migrations.RunSQL(GUARDS, DROP_GUARDS),
    ]
