"""Tags of the officers' loan page (issue #23).

``{% loan_summary desk as_of as s %}`` gives the summary header's figures; ``ledger_line`` reads
a journal line as "Dr Principal receivable ¥10,000.00".
"""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.translation import gettext as _

from loans.backoffice import readable
from loans.backoffice.loan_summary import LoanSummary
from loans.backoffice.loan_summary import loan_summary as summary_of
from loans.backoffice.selectors import LoanDesk
from loans.ledger.models import AccountCode, JournalLine

register = template.Library()


@register.simple_tag
def loan_summary(desk: LoanDesk, as_of: date) -> LoanSummary:
    return summary_of(loan=desk.loan, installments=desk.installments, as_of=as_of)


@register.filter
def ledger_line(line: JournalLine) -> str:
    """``Dr Principal receivable ¥10,000.00`` (a positive amount debits, PRODUCT §3)."""
    side = _("Dr") if line.amount > 0 else _("Cr")
    account = _(AccountCode(line.account).label) if line.account in AccountCode.values else ""
    return f"{side} {account or line.account} {readable.money(abs(line.amount))}"
