from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import AuditEvent, Borrower, Partner, User
from accounts.roles import roles_change_record
from loans.backoffice.admin.identity import MobileSearchMixin
from loans.backoffice.readable import ReadableModelAdmin, percent
from loans.payments.models import CardBinding


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin; a change of a user's roles (groups) is audited (issue #6)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        roles_change_record(actor=cast(User, request.user), user=user, before=before)


HUNDRED = Decimal(100)
FRACTION_PLACES = Decimal("0.000001")  # the model's 6 places
MERCHANT_FEE_RATE_BELOW = Decimal(10)  # percent: the database refuses 0.10 and above


class PercentInput(forms.NumberInput):
    """A number input followed by a % sign."""

    def render(self, *args: Any, **kwargs: Any) -> SafeString:
        return format_html("{} %", super().render(*args, **kwargs))


class PercentRateField(forms.DecimalField):
    """A rate stored as a fraction (0.006000), typed and shown as a percentage (0.60).

    Accepts 0 up to, not including, ``below`` percent, to 4 places (the fraction's 6).
    """

    widget = PercentInput

    def __init__(self, *, below: Decimal, **kwargs: Any) -> None:
        self.below = below
        super().__init__(max_digits=8, decimal_places=4, **kwargs)
        self.widget.attrs["min"] = "0"

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, Decimal):
            return value  # what was typed, shown again with its error
        shown = value * HUNDRED
        two_places = shown.quantize(Decimal("0.01"))
        return two_places if two_places == shown else shown.normalize()

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not Decimal(0) <= value < self.below:
            raise ValidationError(
                _("Enter a percentage from 0 up to, but not including, %(below)s.")
                % {"below": self.below},
                code="out_of_range",
            )

    def clean(self, value: Any) -> Decimal | None:
        percentage = super().clean(value)
        if percentage is None:
            return None
        return (percentage / HUNDRED).quantize(FRACTION_PLACES)  # exact: 4 places / 100


class PartnerForm(forms.ModelForm[Partner]):
    merchant_fee_rate = PercentRateField(
        below=MERCHANT_FEE_RATE_BELOW,
        label=capfirst(Partner._meta.get_field("merchant_fee_rate").verbose_name),
        help_text=Partner._meta.get_field("merchant_fee_rate").help_text,
    )

    class Meta:
        model = Partner
        fields = [
            "code",
            "name",
            "is_active",
            "oauth_application",
            "api_scopes",
            "merchant_fee_rate",
        ]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    """Partners; the merchant fee rate (issue #18) is typed and listed as a percentage, and its
    change is audited (it is a money term of the partner's contract)."""

    form = PartnerForm
    list_display = ["name", "code", "is_active", "merchant_fee_rate_shown", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    @admin.display(
        description=capfirst(Partner._meta.get_field("merchant_fee_rate").verbose_name),
        ordering="merchant_fee_rate",
    )
    def merchant_fee_rate_shown(self, partner: Partner) -> str:
        return percent(partner.merchant_fee_rate)

    def save_model(
        self, request: HttpRequest, obj: Partner, form: forms.ModelForm[Partner], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and "merchant_fee_rate" in form.changed_data:
            audit_record(
                actor=cast(User, request.user),
                action="partner.merchant_fee_rate",
                target=obj,
                details={
                    "from": str(form.initial.get("merchant_fee_rate")),
                    "to": str(obj.merchant_fee_rate),
                },
            )


class CardBindingInline(admin.TabularInline[CardBinding, Borrower]):
    """The borrower's auto-debit cards (PRODUCT §11), masked, with the consent; read-only."""

    model = CardBinding
    extra = 0
    can_delete = False
    fields = (
        "status",
        "card_number_masked",
        "channel",
        "created_at",
        "agreement_version",
        "consent_at",
        "consent_ip",
        "revoked_at",
    )
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may see the borrower sees the masked cards: the roles name no payments model.
        return request.user.has_perm("accounts.view_borrower")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Borrower)
class BorrowerAdmin(MobileSearchMixin[Borrower], ReadableModelAdmin[Borrower]):
    """Borrowers, read-only: registration and profile changes go through accounts.services.

    The identity, card and mobile numbers show masked only (PRODUCT §6, issue #16), and no
    birth date or age is shown; ciphertexts and lookup digests are never listed or shown. A full
    mobile number finds its borrower through the digest; the desk's reveal shows it in clear.
    """

    mobile_digest_field = "mobile_digest"
    inlines = [CardBindingInline]

    list_display = [
        "id",
        "full_name",
        "id_number_masked",
        "mobile_masked",
        "partner",
        "external_id",
        "created_at",
    ]
    list_select_related = ["partner"]
    list_filter = ["partner", "language"]
    search_fields = ["=id", "full_name", "external_id"]  # + a full mobile (MobileSearchMixin)
    date_hierarchy = "created_at"
    fieldsets = [
        (
            _("Identity"),
            {"fields": ["full_name", "id_number_masked", "bank_card_masked"]},
        ),
        (_("Contact"), {"fields": ["mobile_masked", "email", "language"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "monthly_income_amount",
                    "employment_months",
                    "monthly_debt_payments_amount",
                ]
            },
        ),
        (_("Channel"), {"fields": ["user", "partner", "external_id"]}),
        (
            _("Consents"),
            {
                "fields": [
                    "credit_check_consent_at",
                    "privacy_notice_version",
                    "privacy_consent_at",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Borrower]:
        return super().get_queryset(request).select_related("partner", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Borrower | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Borrower | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit trail, read-only and searchable by action, target and actor."""

    list_display = ["at", "actor", "action", "target_type", "target_id"]
    list_select_related = ["actor"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "=target_id", "actor__username"]
    date_hierarchy = "at"
    show_full_result_count = False
    readonly_fields = ["at", "actor", "action", "target_type", "target_id", "details"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
