"""The credit-bureau pages: the runs, and a run's rejects (a loan's or a revolving account's,
named and linked to its admin page)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loans.backoffice.charts import bar_chart
from loans.backoffice.reports.table import Report
from loans.reporting import selectors
from loans.reporting.models import BureauRecord, BureauRecordKind, BureauRun, BureauRunKind

REJECT_LABELS = {
    "NAME_MISSING": gettext_lazy("Name missing"),
    "IDENTITY_MISSING": gettext_lazy("Identity number missing"),
    "IDENTITY_UNREADABLE": gettext_lazy("Identity number cannot be decrypted"),
    "IDENTITY_INVALID": gettext_lazy("Identity number not valid"),
    "OPEN_DATE_MISSING": gettext_lazy("Open date missing"),
    "AMOUNT_NEGATIVE": gettext_lazy("Negative amount"),
}


def _run_kind(kind: str) -> str:
    return str(BureauRunKind(kind).label) if kind in BureauRunKind.values else kind


def bureau_runs_report(request: HttpRequest) -> Report:
    runs = selectors.bureau_runs()
    return Report(
        title=_("Credit-bureau runs"),
        slug="bureau",
        columns=[
            _("Run"),
            _("Month"),
            _("Kind"),
            _("Records"),
            _("Corrections"),
            _("Rejects"),
            _("File"),
            _("Finished at"),
        ],
        rows=[
            [
                str(r.pk),
                r.month.strftime("%Y-%m"),
                _run_kind(r.kind),
                f"{r.records_count:,}",
                f"{r.corrections_count:,}",
                f"{r.rejects_count:,}",
                r.file_name,
                r.finished_at.strftime("%Y-%m-%d %H:%M"),
            ]
            for r in runs
        ],
        csv_rows=[["run", "month", "kind", "records", "corrections", "rejects", "file", "sha256"]]
        + [
            [
                str(r.pk),
                r.month.strftime("%Y-%m"),
                r.kind,
                str(r.records_count),
                str(r.corrections_count),
                str(r.rejects_count),
                r.file_name,
                r.file_sha256,
            ]
            for r in runs
        ],
        charts=[
            bar_chart(
                title=_("Rejects per run"),
                points=[(f"#{r.pk} {r.month:%Y-%m}", r.rejects_count) for r in reversed(runs)],
            )
        ],
        links=[(_("Rejects"), reverse("backoffice:bureau_run", args=[r.pk])) for r in runs],
    )


def rejects_report(run: BureauRun) -> Report:
    rejects = selectors.bureau_run_rejects(run=run)
    kinds = dict(BureauRecordKind.choices)
    return Report(
        title=_("Rejects of bureau run %(run)s (%(month)s)")
        % {"run": run.pk, "month": f"{run.month:%Y-%m}"},
        slug="bureau",
        columns=[
            _("Account"),
            _("Account code"),
            _("Month"),
            _("Kind"),
            _("Reason"),
            _("Name"),
        ],
        rows=[
            [
                _reject_account(r),
                str((r.data or {}).get("AcctCode", "")),
                r.month.strftime("%Y-%m"),
                str(kinds.get(r.kind, r.kind)),
                str(REJECT_LABELS.get(r.reject_reason, r.reject_reason)),
                str((r.data or {}).get("Name", "")),
            ]
            for r in rejects
        ],
        text_columns=2,
        csv_rows=[["run", "account_type", "account", "account_code", "month", "kind", "reason"]]
        + [
            [
                str(run.pk),
                selectors.LOAN if r.loan_id is not None else selectors.REVOLVING,
                str(r.loan_id if r.loan_id is not None else r.revolving_account_id),
                str((r.data or {}).get("AcctCode", "")),
                r.month.strftime("%Y-%m"),
                r.kind,
                r.reject_reason,
            ]
            for r in rejects
        ],
        note=_(
            "%(records)s records, %(corrections)s corrections, %(rejects)s rejects; "
            "file %(file)s (SHA-256 %(sha)s)."
        )
        % {
            "records": f"{run.records_count:,}",
            "corrections": f"{run.corrections_count:,}",
            "rejects": f"{run.rejects_count:,}",
            "file": run.file_name,
            "sha": run.file_sha256,
        },
        links=[_reject_link(r) for r in rejects],
        link_column=0,  # the account's name opens its page
    )


def _reject_account(record: BureauRecord) -> str:
    """Whose record the bureau refused: "Loan 12" or "Revolving account 3"."""
    if record.loan_id is not None:
        return _("Loan %(id)s") % {"id": record.loan_id}
    return _("Revolving account %(id)s") % {"id": record.revolving_account_id}


def _reject_link(record: BureauRecord) -> tuple[str, str]:
    if record.loan_id is not None:
        url = reverse("admin:servicing_loan_change", args=[record.loan_id])
    else:
        url = reverse("admin:revolving_revolvingaccount_change", args=[record.revolving_account_id])
    return _reject_account(record), url
