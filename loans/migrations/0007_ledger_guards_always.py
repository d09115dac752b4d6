"""The ledger's guards fire in every session, replication-replica mode included.

Triggers are skipped by default when a session sets session_replication_role = replica (what
logical replication and bulk loaders use to skip foreign-key checks). ENABLE ALWAYS keeps the
append-only and balanced-entry guards on even there: a superuser's bulk load
(`seed_portfolio`) skips the row-by-row foreign-key checks but never the ledger's rules.
"""

from django.db import migrations

TRIGGERS = (
    ("loans_journalentry", "journal_entry_append_only"),
    ("loans_journalline", "journal_line_append_only"),
    ("loans_journalline", "journal_line_balanced"),
    ("loans_journalentry", "journal_entry_has_lines"),
)


class Migration(migrations.Migration):
    dependencies = [("loans", "0006_lean_indexes")]

    operations = [
        migrations.RunSQL(
            "".join(f"ALTER TABLE {t} ENABLE ALWAYS TRIGGER {name};" for t, name in TRIGGERS),
            "".join(f"ALTER TABLE {t} ENABLE TRIGGER {name};" for t, name in TRIGGERS),
        )
    ]
