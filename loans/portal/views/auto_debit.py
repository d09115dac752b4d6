"""Auto-debit (代扣, PRODUCT §11): the borrower binds one card, and switches it off at will."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Borrower
from loans.errors import LendingError
from loans.payments.card_bindings import CardConsent, card_binding_create, card_binding_revoke
from loans.payments.models import CardBindingChannel
from loans.payments.selectors import card_binding_active
from loans.portal.access import borrower_required
from loans.portal.forms import AutoDebitForm

ON_MESSAGE = gettext_lazy("Auto-debit is on: we collect your installments on their due dates.")


@borrower_required
def auto_debit(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Show the active card, or the form that binds one."""
    binding = card_binding_active(borrower=borrower)
    form = AutoDebitForm(request.POST or None) if binding is None else None
    bound = form is not None and request.method == "POST" and form.is_valid()
    if bound and form is not None and _bind(request, borrower, form):
        messages.success(request, ON_MESSAGE)
        return redirect("portal:auto_debit")
    context = {
        "binding": binding,
        "form": form,
        "agreement_version": settings.LENDPORTAL_AUTO_DEBIT_AGREEMENT_VERSION,
    }
    return render(request, "portal/auto_debit.html", context)


def _bind(request: HttpRequest, borrower: Borrower, form: AutoDebitForm) -> bool:
    data = form.cleaned_data
    consent = CardConsent(
        at=timezone.now(),
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
        agreement_version=settings.LENDPORTAL_AUTO_DEBIT_AGREEMENT_VERSION,
    )
    try:
        card_binding_create(
            borrower=borrower,
            card_number=data["card_number"],
            holder_name=data["holder_name"],
            holder_id_number=data["holder_id_number"],
            consent=consent,
            channel=CardBindingChannel.PORTAL,
        )
    except ValidationError as error:
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    except LendingError as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


@borrower_required
@require_POST
def auto_debit_off(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Switch auto-debit off (the binding is kept as history)."""
    binding = card_binding_active(borrower=borrower)
    if binding is not None:
        card_binding_revoke(binding=binding, channel=CardBindingChannel.PORTAL)
        messages.success(request, _("Auto-debit is off. You pay your installments yourself."))
    return redirect("portal:auto_debit")
