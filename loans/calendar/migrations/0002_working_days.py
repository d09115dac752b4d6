# The working calendar (issue #17, PRODUCT §12): one row per date of each loaded year. The
# tables start empty: `python manage.py calendar_load YEAR` fills them (docs/calendar.md).
import datetime

from django.db import migrations, models

WORKING_KINDS = ("WORKDAY", "MAKEUP_WORKDAY")


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("day", models.DateField(primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("WORKDAY", "Working day"),
                            ("WEEKEND", "Weekend"),
                            ("HOLIDAY", "Public holiday"),
                            ("MAKEUP_WORKDAY", "Make-up working day"),
                        ],
                        max_length=16,
                    ),
                ),
                ("is_working", models.BooleanField()),
                ("following_working_date", models.DateField()),
                ("name", models.CharField(blank=True, max_length=40)),
                ("verified", models.BooleanField()),
            ],
            options={
                "db_table": "calendar_day",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(is_working=True, kind__in=WORKING_KINDS)
                        | (models.Q(is_working=False) & ~models.Q(kind__in=WORKING_KINDS)),
                        name="calendar_day_kind_working",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            is_working=True, following_working_date=models.F("day")
                        )
                        | models.Q(
                            is_working=False,
                            following_working_date__gt=models.F("day"),
                            following_working_date__lte=models.F("day")
                            + datetime.timedelta(days=15),
                        ),
                        name="calendar_day_following_working",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("source", models.TextField()),
                ("verified", models.BooleanField()),
                ("checksum", models.CharField(max_length=64)),
                ("loaded_at", models.DateTimeField()),
            ],
            options={
                "db_table": "calendar_year",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(year__gte=2000, year__lte=2100),
                        name="calendar_year_range",
                    )
                ],
            },
        ),
    ]
