"""The borrower's documents laid out as PDF (reportlab), in Chinese or English (PRODUCT §14).

One module renders them all (contract, receipt, certificate, revolving bill) from the
selectors' data. The CJK font (settings
``LENDPORTAL_DOCUMENT_FONT``, a TrueType font or collection) is embedded as a subset, and every
PDF is written with reportlab's ``invariant`` mode (fixed creation date and document id), so the
same data, font and reportlab version give the same bytes. Figures are formatted as the portal's
pages format them (``¥1,234.50``, ``2027年1月1日``, ``17.23%``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loans.documents.selectors import BillData, ContractData, ReceiptData, SettlementData
from loans.servicing.services.reminders import amount_format, date_format

FONT_NAME = "LendPortalCJK"
LENDER = gettext_lazy("Lender: LendPortal Small Loan Co., Ltd.")

# The codes the documents print, with the portal's words for them (the same msgids).
LABELS = {
    "EQUAL_INSTALLMENT": gettext_lazy("Equal installments"),
    "EQUAL_PRINCIPAL": gettext_lazy("Equal principal"),
    "INTEREST_ONLY": gettext_lazy("Interest only"),
    "BULLET": gettext_lazy("One payment at the end"),
    "INSTALLMENT_FEE": gettext_lazy("Installments with a fee"),
    "PRINCIPAL": gettext_lazy("Principal"),
    "INTEREST": gettext_lazy("Interest"),
    "FEE": gettext_lazy("Fees"),
    "PENALTY": gettext_lazy("Penalty interest"),
    "PREPAID_PRINCIPAL": gettext_lazy("Principal prepaid"),
    "POSTED": gettext_lazy("Received"),
    "REVERSED": gettext_lazy("Reversed"),
}


class DocumentFontMissing(ImproperlyConfigured):
    """The CJK font the PDFs embed is not installed where settings say."""


@cache
def _font() -> str:
    path = Path(settings.LENDPORTAL_DOCUMENT_FONT)
    if not path.is_file():
        raise DocumentFontMissing(
            f"LENDPORTAL_DOCUMENT_FONT={path} does not exist: install the Debian package "
            "fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or point the setting at a "
            "TrueType CJK font (.ttf/.ttc; CFF-outline .otf fonts cannot be embedded)."
        )
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


# --- figures, as the portal's template filters write them -------------------------------------


def _yuan(amount: Decimal) -> str:
    shown = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return "-" + amount_format(-shown) if shown < 0 else amount_format(shown)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _day(day: date, language: str) -> str:
    return date_format(day, language="en" if language == "en" else "zh-hans")


def _moment(moment: datetime, language: str) -> str:
    local = timezone.localtime(moment)
    return f"{_day(local.date(), language)} {local:%H:%M}"


def _label(code: str) -> str:
    return str(LABELS.get(code, code))


# --- layout --------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=8),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, spaceBefore=8),
        "big": ParagraphStyle("big", parent=body, fontSize=14, leading=20, spaceAfter=6),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(rows: list[list[str]], *, header: bool, numeric_from: int) -> Table:
    table = Table(rows, hAlign="LEFT", repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), _font()),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    table.setStyle(TableStyle(commands))
    return table


def _build(story: Iterable[Flowable], *, title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="LendPortal",
        creator="LendPortal",
        producer="LendPortal",
        subject=title,
        invariant=1,  # no clock and no random id in the file: the same data, the same bytes
        initialFontName=_font(),  # no standard (unembedded) font in the file at all
    )
    document.build(list(story))
    return buffer.getvalue()


# --- the documents -------------------------------------------------------------------------------


def contract_pdf(data: ContractData, *, language: str) -> bytes:
    """Render the signed contract with its schedule and APR in ``language``."""
    with translation.override(language):
        return _contract(data, language)


def _contract(data: ContractData, language: str) -> bytes:
    s = _styles()
    story: list[Flowable] = [
        _p(_("Loan contract"), s["title"]),
        _p(_("Loan no. %(number)s") % {"number": data.loan_id}, s["body"]),
        _p(
            _("Borrower: %(name)s, identity card %(id)s.")
            % {"name": data.borrower_name, "id": data.id_number_masked}
            + " "
            + str(LENDER),
            s["body"],
        ),
        _p(
            _("Date: %(day)s. Product: %(product)s.")
            % {"day": _day(data.drawn_date, language), "product": data.product_code},
            s["body"],
        ),
        Spacer(1, 4 * mm),
        _p(_("Annualized rate (APR)") + " " + _percent(data.apr), s["big"]),
    ]
    clauses = [
        _("The lender lends %(amount)s to the borrower, paid to the borrower's bank card.")
        % {"amount": _yuan(data.principal)},
        _(
            "The annualized rate of the whole cost (APR) is %(apr)s; the annual interest rate "
            "is %(rate)s, charged by the day at the annual rate / 360 on the principal "
            "outstanding."
        )
        % {"apr": _percent(data.apr), "rate": _percent(data.annual_rate)},
        _(
            "The borrower repays in %(n)s monthly installments (%(method)s) by the schedule "
            "below: %(total)s in total, of which interest %(interest)s and fees %(fees)s."
        )
        % {
            "n": data.term,
            "method": _label(data.method),
            "total": _yuan(data.total_repayment),
            "interest": _yuan(data.total_interest),
            "fees": _yuan(data.total_fees),
        },
        _(
            "Each installment is due on the same day of the month as the disbursement (the "
            "last day of a shorter month)."
        ),
        _(
            "An unpaid installment is overdue from the day after its due date. After 3 days of "
            "grace, penalty interest of 1.5 times the contract rate is charged on the overdue "
            "principal from the first overdue day, never above the legal cap."
        ),
        _(
            "The borrower may repay early at any time without a fee; interest is charged only "
            "for the days the money was borrowed."
        ),
        _("The borrower's personal data is processed as the privacy notice says."),
    ]
    story += [_p(f"{n}. {text}", s["body"]) for n, text in enumerate(clauses, start=1)]
    story += [Spacer(1, 4 * mm), _p(_("Repayment schedule"), s["big"]), _schedule(data, language)]
    story += [
        Spacer(1, 6 * mm),
        _p(
            _("Signed electronically by %(name)s at %(when)s (Beijing time).")
            % {"name": data.signature_name, "when": _moment(data.accepted_at, language)},
            s["body"],
        ),
        _p(
            _("Contract version %(version)s; SHA-256 of the text signed: %(hash)s")
            % {"version": data.contract_version, "hash": data.contract_hash},
            s["small"],
        ),
    ]
    return _build(story, title=_("Loan contract"))


def _schedule(data: ContractData, language: str) -> Table:
    rows = [[_("No."), _("Due date"), _("Amount"), _("Principal"), _("Interest"), _("Fees")]]
    rows += [
        [
            str(line.number),
            _day(line.due_date, language),
            _yuan(line.total),
            _yuan(line.principal),
            _yuan(line.interest),
            _yuan(line.fee),
        ]
        for line in data.schedule
    ]
    return _table(rows, header=True, numeric_from=2)


def receipt_pdf(data: ReceiptData, *, language: str) -> bytes:
    """Render a repayment's receipt: the amount, its date and where it went."""
    with translation.override(language):
        s = _styles()
        rows = [
            [_("Loan"), _("no. %(number)s") % {"number": data.loan_id}],
            [_("Borrower"), data.borrower_name],
            [_("Date"), _day(data.value_date, language)],
            [_("Paid at"), _moment(data.received_at, language)],
            [_("Status"), _label(data.status)],
        ]
        if data.reference:
            rows.append([_("Reference"), data.reference])
        rows += [[_label(component), _yuan(amount)] for component, amount in data.parts]
        if data.advance:
            rows.append([_("Kept for your next installments"), _yuan(data.advance)])
        if data.overpayment:
            rows.append([_("Overpaid, to be refunded"), _yuan(data.overpayment)])
        story: list[Flowable] = [
            _p(_("Repayment receipt"), s["title"]),
            _p(_yuan(data.amount), s["big"]),
            _table(rows, header=False, numeric_from=1),
            _p(str(LENDER), s["small"]),
        ]
        return _build(story, title=_("Repayment receipt"))


def settlement_pdf(data: SettlementData, *, language: str, verify_url: str) -> bytes:
    """Render the settlement certificate (结清证明) with its verification code."""
    with translation.override(language):
        s = _styles()
        story: list[Flowable] = [
            _p(_("Settlement certificate"), s["title"]),
            _p(
                _(
                    "This certifies that loan no. %(number)s of %(name)s (identity card %(id)s), "
                    "disbursed on %(start)s for %(amount)s, was repaid in full and closed on "
                    "%(end)s. Nothing more is owed on it."
                )
                % {
                    "number": data.loan_id,
                    "name": data.borrower_name,
                    "id": data.id_number_masked,
                    "start": _day(data.disbursed_date, language),
                    "amount": _yuan(data.principal),
                    "end": _day(data.closed_date, language),
                },
                s["body"],
            ),
            Spacer(1, 4 * mm),
            _p(_("Verification code: %(code)s") % {"code": data.code}, s["big"]),
            _p(
                _("Anyone can check this certificate at %(url)s") % {"url": verify_url},
                s["body"],
            ),
            _p(str(LENDER), s["small"]),
        ]
        return _build(story, title=_("Settlement certificate"))


def bill_pdf(data: BillData, *, language: str) -> bytes:
    """Render a revolving account's bill (账单) with the figures of the portal's bills page."""
    with translation.override(language):
        s = _styles()
        rows = [
            [_("Pay in full by"), _day(data.pay_by_date, language)],
            [_("Minimum payment"), _yuan(data.minimum_payment)],
            [_("Bill date"), _day(data.statement_date, language)],
        ]
        if data.previous_unpaid:
            rows.append([_("Unpaid from earlier bills"), _yuan(data.previous_unpaid)])
        if data.new_interest:
            rows.append([_("Interest on this bill"), _yuan(data.new_interest)])
        if data.new_penalty:
            rows.append([_("Penalty interest on this bill"), _yuan(data.new_penalty)])
        story: list[Flowable] = [
            _p(_("Bill"), s["title"]),
            _p(
                _("Revolving account no. %(number)s of %(name)s")
                % {"number": data.account_id, "name": data.borrower_name},
                s["body"],
            ),
            _p(_yuan(data.balance), s["big"]),
            _table(rows, header=False, numeric_from=1),
        ]
        if data.purchases:
            purchases = [[_("Date"), _("Shop"), _("Purchase"), _("Amount"), _("Refunded")]]
            purchases += [
                [
                    "" if p.captured_date is None else _day(p.captured_date, language),
                    p.merchant,
                    p.description,
                    _yuan(p.amount),
                    _yuan(p.refunded) if p.refunded else "",
                ]
                for p in data.purchases
            ]
            story += [
                Spacer(1, 4 * mm),
                _p(_("On this bill"), s["big"]),
                _table(purchases, header=True, numeric_from=3),
            ]
        story += [
            _p(
                _(
                    "Paid in full by that date, the bill costs nothing; paying only the minimum "
                    "keeps you on time, and the rest bears interest."
                ),
                s["small"],
            ),
            _p(str(LENDER), s["small"]),
        ]
        return _build(story, title=_("Bill"))
