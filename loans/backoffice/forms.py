"""Forms of the loan page's actions (issue #6). They check shape only; the services decide."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from loans.domain.allocation import Component
from loans.servicing.models import ContactChannel, Loan, Repayment, RepaymentStatus
from loans.servicing.selectors import loan_amounts_due
from loans.servicing.services.collections_desk import PROMISE_WINDOW_DAYS, promise_check
from loans.servicing.services.reminders import amount_format


def _amount(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )


class OfflineRepaymentForm(forms.Form):
    amount = _amount(_("Amount (CNY)"))
    value_date = forms.DateField(
        label=_("Value date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)


class ReverseRepaymentForm(forms.Form):
    repayment = forms.ModelChoiceField(label=_("Repayment"), queryset=Repayment.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, loan: Loan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Repayment]", self.fields["repayment"])
        field.queryset = loan.repayments.filter(status=RepaymentStatus.POSTED).order_by(
            "-value_date", "-id"
        )


class PromiseToPayForm(forms.Form):
    """A promise checked against what is overdue (``promise_check``), every refusal at once on
    its field; the service checks again under the loan's lock."""

    amount = _amount(_("Promised amount (CNY)"))
    promised_date = forms.DateField(
        label=_("Promised date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, loan: Loan, as_of: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loan, self.as_of = loan, as_of
        overdue = loan_amounts_due(loan=loan, as_of=as_of).overdue
        last = as_of + timedelta(days=PROMISE_WINDOW_DAYS)
        self.fields["amount"].help_text = _("Overdue now: %(overdue)s.") % {
            "overdue": amount_format(overdue)
        }
        self.fields["promised_date"].help_text = _("From %(first)s to %(last)s.") % {
            "first": as_of.isoformat(),
            "last": last.isoformat(),
        }
        date_input = self.fields["promised_date"].widget
        date_input.attrs.update(min=as_of.isoformat(), max=last.isoformat())

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if "amount" in data and "promised_date" in data:
            for field, message in promise_check(
                loan=self.loan,
                amount=data["amount"],
                promised_date=data["promised_date"],
                as_of=self.as_of,
            ):
                self.add_error(field, message)
        return data


class ContactNoteForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea)


class WaiverRequestForm(forms.Form):
    """What to waive on one installment; a second officer approves it (maker-checker)."""

    installment_number = forms.TypedChoiceField(label=_("Installment"), coerce=int, choices=[])
    component = forms.ChoiceField(
        label=_("Component"),
        choices=[
            (Component.PENALTY.value, _("Penalty")),
            (Component.FEE.value, _("Fee")),
            (Component.INTEREST.value, _("Interest")),
        ],
    )
    amount = _amount(_("Amount (CNY)"))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea)

    def __init__(self, *args: Any, loan: Loan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedChoiceField", self.fields["installment_number"])
        field.choices = [
            (number, f"{number} ({due})")
            for number, due in loan.installments.filter(paid_date__isnull=True)
            .order_by("number")
            .values_list("number", "due_date")
        ]


class WriteOffRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea)


class AssignAgentForm(forms.Form):
    agent: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Agent"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Any]", self.fields["agent"])
        field.queryset = agents
