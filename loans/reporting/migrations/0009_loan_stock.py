"""The dashboard's stock by bucket kept by statement triggers on the loans (issue #20).

The dashboard grouped every active loan by bucket on each view: 2.2 s at 5,000,000 loans
(make bench-scale). Three statement triggers on ``loans_loan`` (insert, update, delete) add the
statement's net change per bucket to ``loans_loanstock`` from its transition tables, in the
same transaction; a truncate empties it. The dashboard sums a handful of rows.

The triggers are ordinary (not ENABLE ALWAYS): a session with ``session_replication_role =
replica`` skips them, as a logical-replication subscriber must (the changes arrive with the
table) and as the superuser's seed does (``loan_stock_rebuild`` after it). The initial fill
locks the loans against writers until the migration commits.
"""

from django.db import migrations, models

RECORD = """
CREATE FUNCTION loan_stock_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM loans_loanstock;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO loans_loanstock (bucket, loans, principal_amount)
        SELECT bucket, count(*), sum(principal_outstanding_amount)
        FROM new_loans WHERE status = 'ACTIVE' GROUP BY bucket;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO loans_loanstock (bucket, loans, principal_amount)
        SELECT bucket, -count(*), -sum(principal_outstanding_amount)
        FROM old_loans WHERE status = 'ACTIVE' GROUP BY bucket;
    ELSE
        -- A night's accrual changes no bucket, status or principal: nothing is added.
        INSERT INTO loans_loanstock (bucket, loans, principal_amount)
        SELECT bucket, sum(loans), sum(principal)
        FROM (SELECT bucket, -1 AS loans, -principal_outstanding_amount AS principal
              FROM old_loans WHERE status = 'ACTIVE'
              UNION ALL
              SELECT bucket, 1, principal_outstanding_amount
              FROM new_loans WHERE status = 'ACTIVE') AS change
        GROUP BY bucket
        HAVING sum(loans) <> 0 OR sum(principal) <> 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER loan_stock_inserted AFTER INSERT ON loans_loan
    REFERENCING NEW TABLE AS new_loans
    FOR EACH STATEMENT EXECUTE FUNCTION loan_stock_record();
CREATE TRIGGER loan_stock_updated AFTER UPDATE ON loans_loan
    REFERENCING OLD TABLE AS old_loans NEW TABLE AS new_loans
    FOR EACH STATEMENT EXECUTE FUNCTION loan_stock_record();
CREATE TRIGGER loan_stock_deleted AFTER DELETE ON loans_loan
    REFERENCING OLD TABLE AS old_loans
    FOR EACH STATEMENT EXECUTE FUNCTION loan_stock_record();
CREATE TRIGGER loan_stock_truncated AFTER TRUNCATE ON loans_loan
    FOR EACH STATEMENT EXECUTE FUNCTION loan_stock_record();
"""

FILL = """
LOCK TABLE loans_loan IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO loans_loanstock (bucket, loans, principal_amount)
SELECT bucket, count(*), sum(principal_outstanding_amount)
FROM loans_loan WHERE status = 'ACTIVE' GROUP BY bucket;
"""

DROP = """
DROP TRIGGER loan_stock_inserted ON loans_loan;
DROP TRIGGER loan_stock_updated ON loans_loan;
DROP TRIGGER loan_stock_deleted ON loans_loan;
DROP TRIGGER loan_stock_truncated ON loans_loan;
DROP FUNCTION loan_stock_record();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0008_bureau_record_no_account_keys"),
        ("servicing", "0010_field_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoanStock",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("bucket", models.CharField(max_length=8, verbose_name="bucket")),
                ("loans", models.BigIntegerField(verbose_name="loans")),
                (
                    "principal_amount",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=18,
                        verbose_name="principal outstanding amount",
                    ),
                ),
            ],
            options={
                "verbose_name": "loan stock change",
                "verbose_name_plural": "loan stock changes",
                "db_table": "loans_loanstock",
                "default_permissions": (),
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(RECORD, DROP),
    ]
