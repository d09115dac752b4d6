"""Forms of the borrower portal. They say everything that is wrong in one round, field by field:
the real-name rules of PRODUCT §6 are run here with the validators the services use, and the
services run them again (and what needs the database, such as a duplicate identity)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.crypto import mask_mobile
from accounts.validators import (
    validate_age,
    validate_bank_card,
    validate_full_name,
    validate_id_number,
    validate_mobile,
)
from loans.domain.prepayment import PrepaymentMode
from loans.domain.schedule import RepaymentMethod
from loans.origination.models import LoanProduct
from loans.payments.models import PaymentPurpose
from loans.portal.fields import AmountField

METHOD_LABELS = {
    RepaymentMethod.EQUAL_INSTALLMENT: _("Equal installments (principal and interest)"),
    RepaymentMethod.EQUAL_PRINCIPAL: _("Equal principal"),
    RepaymentMethod.INTEREST_ONLY: _("Interest only, principal at the end"),
    RepaymentMethod.BULLET: _("Everything at the end"),
    RepaymentMethod.INSTALLMENT_FEE: _("Installments with a monthly fee"),
}


class PortalForm(forms.Form):
    """Renders its fields with labels, help and errors linked to the inputs (portal/_field.html)."""

    template_name = "portal/form_fields.html"


def _money(label: Any, **kwargs: Any) -> AmountField:
    return AmountField(label=label, max_digits=12, min_value=Decimal("0"), **kwargs)


def _optional(value: str, validate: Any) -> str:
    """Empty keeps the current value (the update forms); anything typed is checked."""
    return validate(value) if value.strip() else ""


class PortalLinkForm(PortalForm):
    """The identity number a shop registered for this mobile, to open its account here (#18)."""

    id_number = forms.CharField(
        label=_("Identity card number"),
        max_length=24,
        help_text=_("The one you gave the shop: 18 characters; the last may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ProfileForm(PortalForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=30,
        help_text=_("As on your identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Identity card number"),
        max_length=24,
        help_text=_("18 characters; the last may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    bank_card = forms.CharField(
        label=_("Bank card for payouts"),
        max_length=30,
        help_text=_("A debit card in your own name, 16 to 19 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    monthly_income_amount = _money(_("Monthly income (¥)"))
    employment_months = forms.IntegerField(
        label=_("Months in your current job"),
        min_value=0,
        max_value=1200,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    monthly_debt_payments_amount = _money(
        _("Monthly repayments of other debts (¥)"),
        help_text=_("Mortgage, car loan, cards and other loans; 0 if none."),
    )
    credit_check_consent = forms.BooleanField(
        label=_("I agree that LendPortal checks my credit to decide on my application."),
    )
    privacy_consent = forms.BooleanField(
        label=_("I have read and accept the privacy notice."),
    )

    def __init__(self, *args: Any, as_of: date, sign_in_mobile: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of  # the business date: the age rule (18-60) is on it
        # The mobile confirmed at sign-in by SMS code is the profile's (#22): shown masked, locked.
        self.sign_in_mobile = sign_in_mobile
        if sign_in_mobile:
            mobile = self.fields["mobile"]
            mobile.disabled = True
            mobile.initial = mask_mobile(sign_in_mobile)
            mobile.help_text = _("The number you signed in with.")

    def clean_full_name(self) -> str:
        return validate_full_name(self.cleaned_data["full_name"])

    def clean_id_number(self) -> str:
        identity = validate_id_number(self.cleaned_data["id_number"])
        validate_age(birth_date=identity.birth_date, as_of=self.as_of)
        return identity.number

    def clean_mobile(self) -> str:
        if self.sign_in_mobile:
            return self.sign_in_mobile
        return validate_mobile(self.cleaned_data["mobile"])

    def clean_bank_card(self) -> str:
        return validate_bank_card(self.cleaned_data["bank_card"])


class ProfileUpdateForm(PortalForm):
    # Empty keeps the number: it is stored encrypted and never put back on a page (issue #16).
    mobile = forms.CharField(
        label=_("New mobile number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the current number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    bank_card = forms.CharField(
        label=_("New bank card for payouts"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the current card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    monthly_income_amount = ProfileForm.base_fields["monthly_income_amount"]
    employment_months = ProfileForm.base_fields["employment_months"]
    monthly_debt_payments_amount = ProfileForm.base_fields["monthly_debt_payments_amount"]

    def __init__(self, *args: Any, sign_in_mobile: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sign_in_mobile:  # changed with the sign-in number only (#22): not here
            self.fields.pop("mobile")

    def clean_mobile(self) -> str:
        return _optional(self.cleaned_data["mobile"], validate_mobile)

    def clean_bank_card(self) -> str:
        return _optional(self.cleaned_data["bank_card"], validate_bank_card)


class BorrowForm(PortalForm):
    """Amount, term and method of a draw on one product; the quote follows these values."""

    product = forms.ChoiceField(label=_("Product"))
    amount = AmountField(label=_("Amount (¥)"), max_digits=8)
    term = forms.TypedChoiceField(label=_("Months"), coerce=int)
    method = forms.ChoiceField(label=_("Repayment method"), widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        products: list[LoanProduct],
        product: LoanProduct,
        available: Decimal,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_product = product
        self.available = available
        self._choices("product", [(p.code, p.display_name) for p in products])
        self._choices(
            "term", [(t, _("%(months)d months") % {"months": t}) for t in sorted(product.terms)]
        )
        self._choices(
            "method", [(m, METHOD_LABELS.get(RepaymentMethod(m), m)) for m in product.methods]
        )
        self.maximum = min(available, product.max_amount)
        self.fields["amount"].help_text = _("¥%(low)s to ¥%(high)s available to you.") % {
            "low": f"{product.min_amount:,.2f}",
            "high": f"{self.maximum:,.2f}",
        }

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = choices

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount < self.chosen_product.min_amount:
            raise forms.ValidationError(
                _("Borrow at least ¥%(low)s.") % {"low": f"{self.chosen_product.min_amount:,.2f}"},
                "amount_below_minimum",
            )
        if amount > self.maximum:
            raise forms.ValidationError(
                _("You can borrow at most ¥%(high)s.") % {"high": f"{self.maximum:,.2f}"},
                "amount_above_available",
            )
        return amount


class AcceptForm(PortalForm):
    signature_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the contract and the repayment schedule and I accept them."),
    )
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Single use (issue #16): the draw records it, so a resubmitted form finds its loan.
    draw_token = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{16,64}$", widget=forms.HiddenInput, max_length=64
    )

    def __init__(self, *args: Any, full_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.full_name = full_name

    def clean_signature_name(self) -> str:
        name: str = self.cleaned_data["signature_name"].strip()
        if name != self.full_name:
            raise forms.ValidationError(
                _("Type your full name exactly as in your profile."), "signature_mismatch"
            )
        return name


class RepayForm(PortalForm):
    purpose = forms.ChoiceField(
        label=_("What do you want to pay?"),
        widget=forms.RadioSelect,
        choices=[
            (PaymentPurpose.NEXT_INSTALLMENT, _("The next installment")),
            (PaymentPurpose.AMOUNT, _("An amount of my choice")),
            (PaymentPurpose.PAYOFF, _("Everything: pay the loan off")),
        ],
        initial=PaymentPurpose.NEXT_INSTALLMENT,
    )
    amount = AmountField(
        label=_("Amount (¥)"),
        required=False,
        max_digits=8,
        min_value=Decimal("0.01"),
        help_text=_("Only for an amount of your choice."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == PaymentPurpose.AMOUNT and data.get("amount") is None:
            self.add_error("amount", _("Enter the amount you want to pay."))
        return data


class PaymentChoiceForm(PortalForm):
    """The confirmed choice on the review page: what to pay, and for a prepayment, how."""

    purpose = forms.ChoiceField(choices=PaymentPurpose.choices, widget=forms.HiddenInput)
    amount = forms.DecimalField(
        required=False, max_digits=8, decimal_places=2, widget=forms.HiddenInput
    )
    prepayment_mode = forms.ChoiceField(
        label=_("After the prepayment"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (PrepaymentMode.SHORTEN_TERM, _("Keep the installment, finish sooner")),
            (PrepaymentMode.LOWER_INSTALLMENT, _("Keep the end date, pay less each month")),
            ("", _("No prepayment: keep the extra for my next installments")),
        ],
    )


class AutoDebitForm(PortalForm):
    """Binding a card for auto-debit (PRODUCT §11): the card, its holder, and the consent."""

    card_number = forms.CharField(
        label=_("Bank card for auto-debit"),
        max_length=30,
        help_text=_("A debit card in your own name, 16 to 19 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    holder_name = forms.CharField(
        label=_("Card holder's name"),
        max_length=30,
        help_text=_("As on your identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    holder_id_number = forms.CharField(
        label=_("Card holder's identity card number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    agree = forms.BooleanField(
        label=_("I agree that LendPortal debits this card for my installments on their due dates."),
    )

    def clean_card_number(self) -> str:
        return validate_bank_card(self.cleaned_data["card_number"])

    def clean_holder_name(self) -> str:
        return validate_full_name(self.cleaned_data["holder_name"])

    def clean_holder_id_number(self) -> str:
        return validate_id_number(self.cleaned_data["holder_id_number"]).number


class OrderCodeForm(PortalForm):
    """The six-digit SMS code that confirms a checkout order (PRODUCT §10), on a digit keypad."""

    code = forms.CharField(
        label=_("SMS code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": "6",
                "pattern": "[0-9]{6}",
                "placeholder": _("6 digits"),
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("The code is the 6 digits in the SMS."))
        return code
