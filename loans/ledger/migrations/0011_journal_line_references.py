"""Journal lines' references checked once per statement instead of row by row (issue #20).

A night's close of business writes about one journal line per loan. Their foreign keys (the
line's entry, loan and revolving account) were checked by PostgreSQL row by row at the commit,
one query per line and key: at 5,000,000 loans 141.7 of the 607 s the chunks spent (make
bench-scale, the step "checks"). The checks move into the statement trigger every partition
already has (``journal_line_balanced``, ``ledger_check_balanced``): one query per statement
over the distinct entries, loans and revolving accounts of the inserted lines. What a foreign
key also did on the other side stays guarded:

- entries are append-only (no UPDATE or DELETE; an archived month's entries and lines leave
  together: same bounds);
- a loan or a revolving account with journal lines cannot be deleted
  (``ledger_subledger_keep``, BEFORE DELETE on each); their ids never change.

The foreign keys are dropped from the partitioned parent (PostgreSQL drops the copies on each
partition with it). Django's state keeps the relations, without a database constraint.
"""

import django.db.models.deletion
from django.db import migrations, models

BALANCED_AND_REFERENCED = """
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    missing bigint;
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
    -- The references, once per statement (issue #20; foreign keys checked them line by line).
    SELECT d.entry_id INTO missing
    FROM (SELECT DISTINCT entry_id FROM new_lines) AS d
    WHERE NOT EXISTS (SELECT FROM loans_journalentry AS e WHERE e.id = d.entry_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal lines of entry %: no such entry', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT d.loan_id INTO missing
    FROM (SELECT DISTINCT loan_id FROM new_lines WHERE loan_id IS NOT NULL) AS d
    WHERE NOT EXISTS (SELECT FROM loans_loan AS l WHERE l.id = d.loan_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal lines of loan %: no such loan', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT d.revolving_account_id INTO missing
    FROM (SELECT DISTINCT revolving_account_id FROM new_lines
          WHERE revolving_account_id IS NOT NULL) AS d
    WHERE NOT EXISTS (
        SELECT FROM revolving_revolvingaccount AS a WHERE a.id = d.revolving_account_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal lines of revolving account %: no such account', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
"""

BALANCED_ONLY = """
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""

DROP_FOREIGN_KEYS = """
DO $drop$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT k.conname
        FROM pg_constraint AS k
        JOIN pg_attribute AS a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
        WHERE k.conrelid = 'loans_journalline'::regclass AND k.contype = 'f'
          AND k.conparentid = 0 AND a.attname IN ('entry_id', 'loan_id', 'revolving_account_id')
    LOOP
        EXECUTE format('ALTER TABLE loans_journalline DROP CONSTRAINT %I', r.conname);
    END LOOP;
END $drop$;
"""

SUBLEDGER_KEEP = """
-- A loan's or a revolving account's sub-ledger keeps it: no DELETE while lines name it.
CREATE FUNCTION ledger_subledger_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'loans_loan'
       AND EXISTS (SELECT FROM loans_journalline WHERE loan_id = OLD.id) THEN
        RAISE EXCEPTION 'loan % has journal lines: it cannot be deleted', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_TABLE_NAME = 'revolving_revolvingaccount'
       AND EXISTS (SELECT FROM loans_journalline WHERE revolving_account_id = OLD.id) THEN
        RAISE EXCEPTION 'revolving account % has journal lines: it cannot be deleted', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER loan_subledger_keep BEFORE DELETE ON loans_loan
    FOR EACH ROW EXECUTE FUNCTION ledger_subledger_keep();
ALTER TABLE loans_loan ENABLE ALWAYS TRIGGER loan_subledger_keep;
CREATE TRIGGER revolving_account_subledger_keep BEFORE DELETE ON revolving_revolvingaccount
    FOR EACH ROW EXECUTE FUNCTION ledger_subledger_keep();
ALTER TABLE revolving_revolvingaccount ENABLE ALWAYS TRIGGER revolving_account_subledger_keep;
"""

SUBLEDGER_KEEP_DROP = """
DROP TRIGGER revolving_account_subledger_keep ON revolving_revolvingaccount;
DROP TRIGGER loan_subledger_keep ON loans_loan;
DROP FUNCTION ledger_subledger_keep();
"""

FOREIGN_KEYS_BACK = """
ALTER TABLE loans_journalline ADD CONSTRAINT loans_journalline_entry_id_4dd9c2c2_fk_loans_journalentry_id
    FOREIGN KEY (entry_id) REFERENCES loans_journalentry (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE loans_journalline ADD CONSTRAINT loans_journalline_loan_id_fe306b9f_fk_loans_loan_id
    FOREIGN KEY (loan_id) REFERENCES loans_loan (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE loans_journalline ADD CONSTRAINT loans_journalline_revolving_account_id_7402531d_fk_revolving
    FOREIGN KEY (revolving_account_id) REFERENCES revolving_revolvingaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_subsidy_receivable"),
        ("servicing", "0001_initial"),
        ("revolving", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalline",
                    name="entry",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="ledger.journalentry",
                        verbose_name="entry",
                    ),
                ),
                migrations.AlterField(
                    model_name="journalline",
                    name="loan",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="servicing.loan",
                        verbose_name="loan",
                    ),
                ),
                migrations.AlterField(
                    model_name="journalline",
                    name="revolving_account",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="revolving.revolvingaccount",
                        verbose_name="revolving account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [DROP_FOREIGN_KEYS, BALANCED_AND_REFERENCED, SUBLEDGER_KEEP],
                    [SUBLEDGER_KEEP_DROP, BALANCED_ONLY, FOREIGN_KEYS_BACK],
                )
            ],
        ),
    ]
