"""The business calendar: the open business date and the working days (PRODUCT §2, §12)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class BusinessDate(models.Model):
    """The platform's open business date (PRODUCT §2: a table, not the clock). One row.

    Money operations take their date from here, once, at the edge; close of business (issue #4)
    moves it forward one date at a time.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, verbose_name=_("ID"))
    current_date = models.DateField(verbose_name=_("current date"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("business date")
        verbose_name_plural = _("business dates")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_businessdate"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="business_date_single_row")]

    def __str__(self) -> str:
        return self.current_date.isoformat()


class DayKind(models.TextChoices):
    """What a date is in the PRC working calendar (PRODUCT §12)."""

    WORKDAY = "WORKDAY", _("Working day")
    WEEKEND = "WEEKEND", _("Weekend")
    HOLIDAY = "HOLIDAY", _("Public holiday")
    MAKEUP_WORKDAY = "MAKEUP_WORKDAY", _("Make-up working day")


WORKING_KINDS = (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


class CalendarYear(models.Model):
    """A year of the working calendar as loaded by ``calendar_load`` (PRODUCT §12)."""

    year = models.PositiveSmallIntegerField(primary_key=True, verbose_name=_("year"))
    source = models.TextField(verbose_name=_("source"))
    verified = models.BooleanField(verbose_name=_("verified"))
    # sha256 of the data file loaded
    checksum = models.CharField(max_length=64, verbose_name=_("checksum"))
    loaded_at = models.DateTimeField(verbose_name=_("loaded at"))

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        db_table = "calendar_year"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="calendar_year_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One date of a loaded year: working or not, and the working day a due date on it rolls to.

    ``following_working_date`` is the date itself on a working day, else the first working day
    after it (the "following" business-day convention); close of business joins it to the
    installments' due dates (docs/calendar.md). Rows are only ever replaced a year at a time.
    """

    day = models.DateField(primary_key=True, verbose_name=_("day"))
    kind = models.CharField(max_length=16, choices=DayKind.choices, verbose_name=_("kind"))
    is_working = models.BooleanField(verbose_name=_("working day"))
    following_working_date = models.DateField(verbose_name=_("following working date"))
    # the holiday's name, e.g. 春节
    name = models.CharField(max_length=40, blank=True, verbose_name=_("name"))
    # False: not yet checked against the State Council notice
    verified = models.BooleanField(verbose_name=_("verified"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        db_table = "calendar_day"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_working=True, kind__in=WORKING_KINDS)
                | (Q(is_working=False) & ~Q(kind__in=WORKING_KINDS)),
                name="calendar_day_kind_working",
            ),
            models.CheckConstraint(
                condition=Q(is_working=True, following_working_date=F("day"))
                | Q(
                    is_working=False,
                    following_working_date__gt=F("day"),
                    # A run of non-working days is at most 14 (loans.calendar.year_data).
                    following_working_date__lte=F("day") + timedelta(days=15),
                ),
                name="calendar_day_following_working",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.kind}"
