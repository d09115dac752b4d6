# Model names in the reader's language (issue #23): state only, no SQL.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("calendar", "0002_working_days"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="businessdate",
            options={"verbose_name": "business date", "verbose_name_plural": "business dates"},
        ),
        migrations.AlterModelOptions(
            name="calendarday",
            options={"verbose_name": "calendar day", "verbose_name_plural": "calendar days"},
        ),
        migrations.AlterModelOptions(
            name="calendaryear",
            options={"verbose_name": "calendar year", "verbose_name_plural": "calendar years"},
        ),
    ]
