"""Accounting periods (issue #19, PRODUCT §13): closed months refuse entries booked in them.

``booking_date`` is added nullable, without a default: no row of the journal is rewritten (and
the append-only guard would refuse it). An entry's period is that of
``COALESCE(booking_date, value_date)``. The guard is a row trigger BEFORE INSERT on the entries,
enabled ALWAYS like the other ledger guards (migration loans.0007): the application's role,
which owns no table, cannot disable it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GUARD = """
CREATE FUNCTION ledger_period_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    booked date := COALESCE(NEW.booking_date, NEW.value_date);
BEGIN
    IF NEW.booking_date IS NOT NULL AND NEW.booking_date <= NEW.value_date THEN
        RAISE EXCEPTION 'journal entry booked on % before or on its value date %',
            NEW.booking_date, NEW.value_date USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_accountingperiod AS p
               WHERE p.month = date_trunc('month', booked)::date AND p.closed) THEN
        RAISE EXCEPTION 'accounting period % is closed: no entry may be booked on %',
            to_char(booked, 'YYYY-MM'), booked USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER journal_entry_period_open BEFORE INSERT ON loans_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_period_open();
ALTER TABLE loans_journalentry ENABLE ALWAYS TRIGGER journal_entry_period_open;
"""

DROP_GUARD = """
DROP TRIGGER journal_entry_period_open ON loans_journalentry;
DROP FUNCTION ledger_period_open();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_loan_loss_provision"),
        ("servicing", "0008_auto_debit_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountingPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="The first day of the month.", unique=True)),
                ("closed", models.BooleanField(default=True)),
                ("closed_at", models.DateTimeField()),
                ("reopened_at", models.DateTimeField(blank=True, null=True)),
                ("reopen_reason", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["month"],
            },
        ),
        migrations.AddField(
            model_name="journalentry",
            name="booking_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("booking_date__isnull", False)),
                fields=["booking_date"],
                name="journal_entry_booked_late",
            ),
        ),
        migrations.AddField(
            model_name="accountingperiod",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="accountingperiod",
            name="reopened_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="accountingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("month__day", 1)), name="accounting_period_first_of_month"
            ),
        ),
        migrations.AddConstraint(
            model_name="accountingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("closed", True), ("reopened_at__isnull", False), _connector="OR"
                ),
                name="accounting_period_reopened_has_date",
            ),
        ),
        migrations.RunSQL(GUARD, DROP_GUARD),
    ]
