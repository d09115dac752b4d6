"""The journal partitioned by month of posting (issue #20, docs/ledger.md "Partitions").

The two tables become partitions of new partitioned parents as they are: no row is copied or
rewritten. ``loans_journalentry`` is partitioned by RANGE of ``id`` and ``loans_journalline`` by
RANGE of ``entry_id`` with the same bounds; a new entry's id is ``YYYYMM`` × 10^10 plus a
sequence (the month of posting, Beijing time), so every foreign key into the entries still
points at a primary key of ``id`` alone. The old rows stay in the ``_legacy`` partitions
(ids below this month's first), then one partition per month, created ahead by beat
(``journal_partitions_ensure``), and a DEFAULT partition so a posting never fails for want of
one. The guards move onto the parents (row triggers are cloned onto every partition) and each
partition gets the statement-level ones (TRUNCATE, balanced lines). Idempotency keys and
reversals, which a unique index on a partitioned table cannot cover, are claimed in
``ledger_journalentry_unique`` (JournalEntryClaim) by a trigger. Django's state of the entries
and lines is unchanged.
"""

from django.conf import settings
from django.db import migrations, models

SQL = """
CREATE FUNCTION ledger_journal_month_base(month date) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (extract(year FROM month)::bigint * 100 + extract(month FROM month)::bigint)
           * 10000000000
$$;

CREATE SEQUENCE ledger_journal_entry_seq AS bigint;

CREATE FUNCTION ledger_journal_entry_id() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT ledger_journal_month_base(date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date)
           + nextval('ledger_journal_entry_seq') % 10000000000
$$;

-- Idempotency keys and reversals stay unique across partitions in a table of their own.
CREATE FUNCTION ledger_entry_unique_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key IS NOT NULL OR NEW.reverses_id IS NOT NULL THEN
        INSERT INTO ledger_journalentry_unique (entry_id, key, reverses_id)
        VALUES (NEW.id, NEW.key, NEW.reverses_id)
        ON CONFLICT (entry_id) DO NOTHING;
        -- Claimed already under this id (a copy of the journal put back, claims first): only
        -- by this very entry.
        IF NOT FOUND AND NOT EXISTS (
            SELECT 1 FROM ledger_journalentry_unique AS c
            WHERE c.entry_id = NEW.id AND c.key IS NOT DISTINCT FROM NEW.key
              AND c.reverses_id IS NOT DISTINCT FROM NEW.reverses_id) THEN
            RAISE EXCEPTION 'journal entry id % is claimed by another key or reversal', NEW.id
                USING ERRCODE = 'unique_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
-- Emptying the journal (the owner, with lendportal.allow_truncate: the test harness) empties
-- the claims too.
CREATE FUNCTION ledger_entry_claims_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE ledger_journalentry_unique;
    RETURN NULL;
EXCEPTION WHEN object_in_use THEN  -- truncated in the same statement already
    RETURN NULL;
END $$;
CREATE TRIGGER journal_entry_unique_append_only BEFORE DELETE OR UPDATE ON ledger_journalentry_unique
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
ALTER TABLE ledger_journalentry_unique ENABLE ALWAYS TRIGGER journal_entry_unique_append_only;
CREATE TRIGGER journal_entry_unique_no_truncate BEFORE TRUNCATE ON ledger_journalentry_unique
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();
ALTER TABLE ledger_journalentry_unique ENABLE ALWAYS TRIGGER journal_entry_unique_no_truncate;

-- The statement-level guards of one partition (statement triggers are not inherited): a
-- TRUNCATE, and lines inserted into the partition itself, are checked as on the parent.
CREATE FUNCTION ledger_journal_partition_guard(partition regclass) RETURNS void
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    parent regclass := (SELECT inhparent FROM pg_inherits WHERE inhrelid = partition);
    t record;
BEGIN
    IF parent = 'loans_journalline'::regclass THEN
        EXECUTE format('CREATE TRIGGER journal_line_balanced AFTER INSERT ON %s '
                       'REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT '
                       'EXECUTE FUNCTION ledger_check_balanced()', partition);
        EXECUTE format('CREATE TRIGGER journal_line_no_truncate BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate()', partition);
    ELSE
        EXECUTE format('CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate()', partition);
    END IF;
    FOR t IN SELECT tgname FROM pg_trigger WHERE tgrelid = partition AND NOT tgisinternal LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', partition, t.tgname);
    END LOOP;
END $$;

-- The partitions of entries and lines for one month of posting; nothing if they exist.
CREATE FUNCTION journal_partitions_ensure(month date) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    suffix text := to_char(first, 'YYYYMM');
    low bigint := ledger_journal_month_base(first);
    high bigint := ledger_journal_month_base((first + interval '1 month')::date);
BEGIN
    IF to_regclass('loans_journalentry_p' || suffix) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF loans_journalentry FOR VALUES FROM (%s) TO (%s)',
                   'loans_journalentry_p' || suffix, low, high);
    EXECUTE format('CREATE TABLE %I PARTITION OF loans_journalline FOR VALUES FROM (%s) TO (%s)',
                   'loans_journalline_p' || suffix, low, high);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', 'loans_journalline_p' || suffix);
    PERFORM ledger_journal_partition_guard(('loans_journalentry_p' || suffix)::regclass);
    PERFORM ledger_journal_partition_guard(('loans_journalline_p' || suffix)::regclass);
    RETURN true;
END $$;

-- The conversion: the tables become the "legacy" partitions of new partitioned parents, as
-- they are (no row is copied); postings from now on get ids that carry their month.
DO $convert$
DECLARE
    legacy_high bigint := ledger_journal_month_base(
        date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date);
    r record;
    incoming text[] := '{}';
    line_fks text[] := '{}';
    entry_fks text[] := '{}';
    next_line bigint;
BEGIN
    -- Foreign keys into the entries (from other tables) are re-pointed at the parent.
    FOR r IN SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
             WHERE contype = 'f' AND confrelid = 'loans_journalentry'::regclass
               AND conrelid NOT IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        incoming := incoming || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
    END LOOP;
    -- Foreign keys out of the journal (to loans, users, accounts) are kept on the old tables
    -- and declared alike on the parents: attaching then adopts them without a check. Those
    -- between journal tables are dropped and declared on the parents.
    FOR r IN SELECT conrelid::regclass AS tbl, conname, confrelid, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
             WHERE contype = 'f'
               AND conrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
    LOOP
        IF r.confrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass) THEN
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        END IF;
        IF r.tbl = 'loans_journalline'::regclass THEN
            line_fks := line_fks || format('ADD CONSTRAINT %I %s', r.conname, r.def);
        ELSE
            entry_fks := entry_fks || format('ADD CONSTRAINT %I %s', r.conname, r.def);
        END IF;
    END LOOP;
    -- The guards move to the parents (row triggers are cloned onto every partition).
    FOR r IN SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger
             WHERE tgrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
               AND NOT tgisinternal
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.tbl);
    END LOOP;
    -- The old tables keep their indexes under new names; the parents' take the old names.
    FOR r IN SELECT c.relname AS idx, con.conname
             FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
             LEFT JOIN pg_constraint AS con ON con.conindid = i.indexrelid
             WHERE i.indrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
    LOOP
        IF r.conname IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I',
                (SELECT indrelid::regclass FROM pg_index WHERE indexrelid = r.idx::regclass),
                r.conname, left(r.conname, 56) || '_legacy');
        ELSE
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.idx, left(r.idx, 56) || '_legacy');
        END IF;
    END LOOP;
    ALTER TABLE loans_journalentry RENAME TO loans_journalentry_legacy;
    ALTER TABLE loans_journalline RENAME TO loans_journalline_legacy;
    ALTER TABLE loans_journalentry_legacy ALTER COLUMN id DROP IDENTITY;
    SELECT coalesce(max(id), 0) + 1 INTO next_line FROM loans_journalline_legacy;
    ALTER TABLE loans_journalline_legacy ALTER COLUMN id DROP IDENTITY;

    CREATE TABLE loans_journalentry (LIKE loans_journalentry_legacy INCLUDING CONSTRAINTS)
        PARTITION BY RANGE (id);
    ALTER TABLE loans_journalentry ALTER COLUMN id SET DEFAULT ledger_journal_entry_id();
    ALTER TABLE loans_journalentry ADD CONSTRAINT loans_journalentry_pkey PRIMARY KEY (id);
    CREATE TABLE loans_journalline (LIKE loans_journalline_legacy INCLUDING CONSTRAINTS)
        PARTITION BY RANGE (entry_id);
    CREATE SEQUENCE loans_journalline_id_seq AS bigint OWNED BY loans_journalline.id;
    PERFORM setval('loans_journalline_id_seq', next_line, false);
    ALTER TABLE loans_journalline ALTER COLUMN id SET DEFAULT nextval('loans_journalline_id_seq');
    ALTER SEQUENCE ledger_journal_entry_seq OWNED BY loans_journalentry.id;
    -- The old tables, as partitions, keep defaults of their own (a row written to one directly).
    ALTER TABLE loans_journalentry_legacy ALTER COLUMN id SET DEFAULT ledger_journal_entry_id();
    ALTER TABLE loans_journalline_legacy ALTER COLUMN id SET DEFAULT nextval('loans_journalline_id_seq');

    IF array_length(entry_fks, 1) > 0 THEN
        EXECUTE format('ALTER TABLE loans_journalentry %s',
            replace(array_to_string(entry_fks, ', '), 'loans_journalentry_legacy', 'loans_journalentry'));
    END IF;
    IF array_length(line_fks, 1) > 0 THEN
        EXECUTE format('ALTER TABLE loans_journalline %s',
            replace(array_to_string(line_fks, ', '), 'loans_journalentry_legacy', 'loans_journalentry'));
    END IF;

    -- The parents' indexes, as Django names them; attaching adopts the old tables' alike.
    CREATE INDEX loans_journ_loan_id_8543b6_idx ON loans_journalentry (loan_id, id);
    CREATE INDEX loans_journ_value_d_070ca6_idx ON loans_journalentry (value_date);
    CREATE INDEX journal_entry_booked_late ON loans_journalentry (booking_date)
        WHERE booking_date IS NOT NULL;
    CREATE INDEX journal_entry_posted_brin ON loans_journalentry USING brin (posted_at);
    CREATE INDEX loans_journalentry_created_by_id_8473628c ON loans_journalentry (created_by_id);
    CREATE INDEX loans_journalentry_key_5ba50482_like ON loans_journalentry (key varchar_pattern_ops);
    CREATE INDEX loans_journalentry_loan_id_9e5190a0 ON loans_journalentry (loan_id);
    CREATE INDEX loans_journalentry_reverses_idx ON loans_journalentry (reverses_id);
    CREATE INDEX loans_journ_entry_i_f88ece_idx ON loans_journalline (entry_id);
    CREATE INDEX loans_journ_loan_id_faf9f5_idx ON loans_journalline (loan_id, account);
    CREATE INDEX journal_line_revolving ON loans_journalline (revolving_account_id, account)
        WHERE revolving_account_id IS NOT NULL;

    -- The guards, on the parents.
    CREATE TRIGGER journal_entry_unique BEFORE INSERT ON loans_journalentry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_unique_claim();
    CREATE TRIGGER journal_entry_period_open BEFORE INSERT ON loans_journalentry
        FOR EACH ROW EXECUTE FUNCTION ledger_period_open();
    CREATE TRIGGER journal_entry_append_only BEFORE DELETE OR UPDATE ON loans_journalentry
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE CONSTRAINT TRIGGER journal_entry_has_lines AFTER INSERT ON loans_journalentry
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_has_lines();
    CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON loans_journalentry
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();
    CREATE TRIGGER journal_entry_claims_truncate AFTER TRUNCATE ON loans_journalentry
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_claims_truncate();
    CREATE TRIGGER journal_line_append_only BEFORE DELETE OR UPDATE ON loans_journalline
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER journal_line_balanced AFTER INSERT ON loans_journalline
        REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced();
    CREATE TRIGGER journal_line_no_truncate BEFORE TRUNCATE ON loans_journalline
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();
    FOR r IN SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger
             WHERE tgrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
               AND NOT tgisinternal
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', r.tbl, r.tgname);
    END LOOP;

    -- Keys and reversals posted so far claim their place.
    INSERT INTO ledger_journalentry_unique (entry_id, key, reverses_id)
    SELECT id, key, reverses_id FROM loans_journalentry_legacy
    WHERE key IS NOT NULL OR reverses_id IS NOT NULL;

    EXECUTE format('ALTER TABLE loans_journalentry ATTACH PARTITION loans_journalentry_legacy '
                   'FOR VALUES FROM (MINVALUE) TO (%s)', legacy_high);
    EXECUTE format('ALTER TABLE loans_journalline ATTACH PARTITION loans_journalline_legacy '
                   'FOR VALUES FROM (MINVALUE) TO (%s)', legacy_high);
    PERFORM ledger_journal_partition_guard('loans_journalentry_legacy'::regclass);
    PERFORM ledger_journal_partition_guard('loans_journalline_legacy'::regclass);

    FOR i IN 1 .. coalesce(array_length(incoming, 1), 0) LOOP
        EXECUTE replace(incoming[i], 'loans_journalentry_legacy', 'loans_journalentry');
    END LOOP;
END $convert$;

CREATE TABLE loans_journalentry_default PARTITION OF loans_journalentry DEFAULT;
CREATE TABLE loans_journalline_default PARTITION OF loans_journalline DEFAULT;
ALTER TABLE loans_journalline_default ADD PRIMARY KEY (id);
SELECT ledger_journal_partition_guard('loans_journalentry_default');
SELECT ledger_journal_partition_guard('loans_journalline_default');
SELECT journal_partitions_ensure((date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') + m * interval '1 month')::date)
FROM generate_series(0, 3) AS m;
"""

# Back to one table each: the rows posted since go into the old tables, which get their names,
# identity columns, foreign keys and guards back.
REVERSE_SQL = r"""
DO $revert$
DECLARE
    r record;
    incoming text[] := '{}';
    journal_fks text[] := '{}';
BEGIN
    -- Foreign keys into the entries from other tables: put back on the plain table at the end.
    FOR r IN SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
             WHERE contype = 'f' AND confrelid = 'loans_journalentry'::regclass AND conparentid = 0
               AND conrelid NOT IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        incoming := incoming || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
    END LOOP;
    -- Those between the journal's tables likewise.
    FOR r IN SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
             WHERE contype = 'f' AND confrelid = 'loans_journalentry'::regclass AND conparentid = 0
               AND conrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        journal_fks := journal_fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
    END LOOP;
    ALTER TABLE loans_journalline DETACH PARTITION loans_journalline_legacy;
    ALTER TABLE loans_journalentry DETACH PARTITION loans_journalentry_legacy;
    DROP INDEX IF EXISTS loans_journalentry_legacy_reverses_id_idx;  -- built for the parent's
    FOR r IN SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger
             WHERE tgrelid IN ('loans_journalentry_legacy'::regclass, 'loans_journalline_legacy'::regclass)
               AND NOT tgisinternal
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.tbl);
    END LOOP;
    ALTER TABLE loans_journalentry_legacy ALTER COLUMN id DROP DEFAULT;
    ALTER TABLE loans_journalline_legacy ALTER COLUMN id DROP DEFAULT;
    -- The rows posted since go back into the plain tables.
    INSERT INTO loans_journalentry_legacy SELECT * FROM loans_journalentry;
    INSERT INTO loans_journalline_legacy SELECT * FROM loans_journalline;
    SET CONSTRAINTS ALL IMMEDIATE;  -- their deferred checks now: ALTER TABLE waits for none
    DROP TABLE loans_journalline;
    DROP TABLE loans_journalentry;
    ALTER TABLE loans_journalentry_legacy RENAME TO loans_journalentry;
    ALTER TABLE loans_journalline_legacy RENAME TO loans_journalline;
    FOR r IN SELECT c.relname AS idx, con.conname, i.indrelid::regclass AS tbl
             FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
             LEFT JOIN pg_constraint AS con ON con.conindid = i.indexrelid
             WHERE i.indrelid IN ('loans_journalentry'::regclass, 'loans_journalline'::regclass)
    LOOP
        IF r.conname IS NOT NULL AND r.conname LIKE '%\_legacy' THEN
            EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I',
                           r.tbl, r.conname, left(r.conname, -7));
        ELSIF r.conname IS NULL AND r.idx LIKE '%\_legacy' THEN
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.idx, left(r.idx, -7));
        END IF;
    END LOOP;
    ALTER TABLE loans_journalentry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY
        (SEQUENCE NAME loans_journalentry_id_seq);
    PERFORM setval('loans_journalentry_id_seq', coalesce(max(id), 0) + 1, false) FROM loans_journalentry;
    ALTER TABLE loans_journalline ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY
        (SEQUENCE NAME loans_journalline_id_seq);
    PERFORM setval('loans_journalline_id_seq', coalesce(max(id), 0) + 1, false) FROM loans_journalline;
    FOR i IN 1 .. coalesce(array_length(journal_fks, 1), 0) LOOP
        EXECUTE journal_fks[i];
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(incoming, 1), 0) LOOP
        EXECUTE incoming[i];
    END LOOP;
END $revert$;

CREATE TRIGGER journal_entry_append_only BEFORE DELETE OR UPDATE ON loans_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE CONSTRAINT TRIGGER journal_entry_has_lines AFTER INSERT ON loans_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_has_lines();
CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON loans_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();
CREATE TRIGGER journal_entry_period_open BEFORE INSERT ON loans_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_period_open();
CREATE TRIGGER journal_line_append_only BEFORE DELETE OR UPDATE ON loans_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_line_balanced AFTER INSERT ON loans_journalline
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced();
CREATE TRIGGER journal_line_no_truncate BEFORE TRUNCATE ON loans_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();
ALTER TABLE loans_journalentry ENABLE ALWAYS TRIGGER journal_entry_append_only;
ALTER TABLE loans_journalentry ENABLE ALWAYS TRIGGER journal_entry_has_lines;
ALTER TABLE loans_journalentry ENABLE ALWAYS TRIGGER journal_entry_no_truncate;
ALTER TABLE loans_journalentry ENABLE ALWAYS TRIGGER journal_entry_period_open;
ALTER TABLE loans_journalline ENABLE ALWAYS TRIGGER journal_line_append_only;
ALTER TABLE loans_journalline ENABLE ALWAYS TRIGGER journal_line_balanced;
ALTER TABLE loans_journalline ENABLE ALWAYS TRIGGER journal_line_no_truncate;
DROP TRIGGER journal_entry_unique_append_only ON ledger_journalentry_unique;
DROP TRIGGER journal_entry_unique_no_truncate ON ledger_journalentry_unique;
DROP FUNCTION journal_partitions_ensure(date);
DROP FUNCTION ledger_journal_partition_guard(regclass);
DROP FUNCTION ledger_entry_claims_truncate();
DROP FUNCTION ledger_entry_unique_claim();
DROP FUNCTION ledger_journal_entry_id();
DROP FUNCTION ledger_journal_month_base(date);
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_accounting_periods")]

    operations = [
        migrations.CreateModel(
            name="JournalEntryClaim",
            fields=[
                ("entry_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("key", models.CharField(blank=True, max_length=100, null=True, unique=True)),
                ("reverses_id", models.BigIntegerField(blank=True, null=True, unique=True)),
            ],
            options={
                "db_table": "ledger_journalentry_unique",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("key__isnull", False), ("reverses_id__isnull", False), _connector="OR"
                        ),
                        name="journal_entry_claim_claims",
                    )
                ],
            },
        ),
        migrations.RunSQL(SQL.replace("Asia/Shanghai", settings.TIME_ZONE), REVERSE_SQL),
    ]
