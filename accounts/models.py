from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a borrower or a member of staff.

    Custom from day one so that later fields (language, phone) need no swap of the user model.

    The phone a borrower signs in with (issue #22, docs/portal.md "Signing in") is the mainland
    mobile in its 11-digit form, stored like the borrower's mobile: encrypted, found by a keyed
    hash, shown masked (accounts.crypto). allauth reads and writes it through
    accounts.adapter.AccountAdapter; ``phone_verified`` turns true once an SMS code was entered.
    """

    phone_ciphertext = models.TextField(
        blank=True, editable=False, verbose_name=_("phone (encrypted)")
    )
    phone_digest = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("phone (digest)")
    )
    phone_masked = models.CharField(
        max_length=11, blank=True, editable=False, verbose_name=_("phone (masked)")
    )
    phone_verified = models.BooleanField(default=False, verbose_name=_("phone verified"))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        db_table = "accounts_user"
        constraints = [
            models.UniqueConstraint(
                fields=["phone_digest"],
                condition=~Q(phone_digest=""),
                name="user_phone_unique",
            ),
            models.CheckConstraint(
                condition=Q(phone_digest="") | ~Q(phone_ciphertext=""),
                name="user_phone_stored_whole",
            ),
        ]


class Partner(models.Model):
    """A partner app (a shop, a phone maker's wallet) that brings borrowers through the API."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # The partner API's OAuth2 client (client credentials), and the scopes it may ask for.
    oauth_application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner",
        verbose_name=_("OAuth application"),
    )
    api_scopes = models.JSONField(default=list, blank=True, verbose_name=_("API scopes"))
    # The platform's discount on each purchase captured at the partner's checkout (PRODUCT §10
    # "minus any merchant fee"), a fraction like the other rates (0.006000 is 0.60%). Read when a
    # business date is settled (loans.payments.merchant_settlement): a change applies from the
    # first date not settled yet, never to a settled one.
    merchant_fee_rate = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        default=Decimal("0"),
        verbose_name=_("merchant fee rate"),
        help_text=_(
            "The share of each purchase the platform keeps, deducted from the partner's "
            "settlement; a refund gives it back in proportion. A change applies from the first "
            "business date not settled yet."
        ),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(merchant_fee_rate__gte=0) & Q(merchant_fee_rate__lt=Decimal("0.1")),
                name="partner_merchant_fee_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class Borrower(models.Model):
    """A person who borrows, with the real-name (KYC) data of PRODUCT §6.

    The identity number, the bank card and the mobile are stored encrypted (accounts.crypto),
    found by a keyed hash (``*_digest``) and shown masked (``*_masked``, a few characters left:
    docs/identity.md); the clear text never reaches a column, a page or a log. The birth date is
    not stored: it is read from the decrypted identity number when a decision needs the age. A
    borrower comes either through the portal (``user``) or from a partner (``partner`` +
    ``external_id``); identity numbers are unique per channel.
    """

    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="borrower",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="borrowers",
        verbose_name=_("partner"),
    )
    external_id = models.CharField(max_length=64, blank=True, verbose_name=_("external ID"))
    full_name = models.CharField(max_length=30, verbose_name=_("full name"))
    id_number_ciphertext = models.TextField(
        editable=False, verbose_name=_("identity number (encrypted)")
    )
    id_number_digest = models.CharField(
        max_length=64, editable=False, db_index=True, verbose_name=_("identity number (digest)")
    )
    id_number_masked = models.CharField(
        max_length=18, editable=False, verbose_name=_("identity number (masked)")
    )
    mobile_ciphertext = models.TextField(editable=False, verbose_name=_("mobile (encrypted)"))
    mobile_digest = models.CharField(
        max_length=64, editable=False, db_index=True, verbose_name=_("mobile (digest)")
    )
    mobile_masked = models.CharField(
        max_length=11, editable=False, verbose_name=_("mobile (masked)")
    )
    email = models.EmailField(blank=True, verbose_name=_("email"))
    bank_card_ciphertext = models.TextField(editable=False, verbose_name=_("bank card (encrypted)"))
    bank_card_digest = models.CharField(
        max_length=64, editable=False, db_index=True, verbose_name=_("bank card (digest)")
    )
    bank_card_masked = models.CharField(
        max_length=19, editable=False, verbose_name=_("bank card (masked)")
    )
    monthly_income_amount = models.DecimalField(
        max_digits=12, decimal_places=2, verbose_name=_("monthly income")
    )
    employment_months = models.PositiveIntegerField(verbose_name=_("months employed"))
    monthly_debt_payments_amount = models.DecimalField(
        max_digits=12, decimal_places=2, verbose_name=_("monthly debt payments")
    )
    language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ZH_HANS, verbose_name=_("language")
    )
    credit_check_consent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("credit check consent at")
    )
    privacy_notice_version = models.CharField(
        max_length=16, blank=True, verbose_name=_("privacy notice version")
    )
    privacy_consent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("privacy consent at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        ordering = ["-id"]
        permissions = [
            ("reveal_borrower_identity", "Can reveal a borrower's identity and card numbers")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "id_number_digest"],
                nulls_distinct=False,
                name="borrower_identity_unique_per_channel",
            ),
            models.UniqueConstraint(
                fields=["partner", "external_id"],
                condition=~Q(external_id=""),
                name="borrower_external_id_unique_per_partner",
            ),
            models.CheckConstraint(
                condition=Q(monthly_income_amount__gte=0) & Q(monthly_debt_payments_amount__gte=0),
                name="borrower_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.id_number_masked})"


class AuditEvent(models.Model):
    """Who did what, to which object, and when: every staff action and every setting change (#6).

    Append-only. ``target_type`` is ``app_label.model`` and ``target_id`` the object's key, so a
    row outlives the object it names. ``details`` holds only non-personal facts (amounts, ids,
    changed field names, reason codes): never a name, identity number, card or mobile in clear.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("at"))
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=64, db_index=True, verbose_name=_("operation"))
    target_type = models.CharField(max_length=64, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, verbose_name=_("target ID"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}#{self.target_id}"
