"""What every report page is made of: its table, chart and CSV (``Report``), and the labels
the pages share (class, stage, kind of account)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loans.backoffice.charts import BarChart
from loans.reporting import selectors
from loans.reporting.models import LoanRiskClass


@dataclass
class Report:
    title: str
    slug: str
    columns: list[str]
    rows: list[list[str]]  # shown
    csv_rows: list[list[str]]  # plain, with a header row
    charts: list[BarChart] = field(default_factory=list)
    note: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) per row
    csv_url: str = ""
    totals: set[int] = field(default_factory=set)  # indexes of the rows that are totals
    text_columns: int = 1  # the leading columns of words, aligned left
    link_column: int | None = None  # the cell that links to the row's url; None: a last column

    def table_rows(self) -> list[tuple[list[str], tuple[str, str] | None, bool]]:
        """Each shown row with its link (or None) and whether it is a total."""
        return [
            (row, self.links[index] if index < len(self.links) else None, index in self.totals)
            for index, row in enumerate(self.rows)
        ]


KIND_LABELS = {
    selectors.LOAN: gettext_lazy("Loans"),
    selectors.REVOLVING: gettext_lazy("Revolving accounts"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind]) if kind in KIND_LABELS else _("Total")


def stage_label(stage: int) -> str:
    return _("Stage %(stage)s") % {"stage": stage}


def class_label(code: str) -> str:
    return str(LoanRiskClass(code).label) if code in LoanRiskClass.values else code
