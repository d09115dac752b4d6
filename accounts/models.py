from __future__ import annotations

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

    phone_ciphertext = models.TextField(blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(max_length=11, blank=True, editable=False)
    phone_verified = models.BooleanField(default=False)

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

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The partner API's OAuth2 client (client credentials), and the scopes it may ask for.
    oauth_application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner",
    )
    api_scopes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

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
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="borrower"
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="borrowers"
    )
    external_id = models.CharField(max_length=64, blank=True)
    full_name = models.CharField(max_length=30)
    id_number_ciphertext = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(max_length=18, editable=False)
    mobile_ciphertext = models.TextField(editable=False)
    mobile_digest = models.CharField(max_length=64, editable=False, db_index=True)
    mobile_masked = models.CharField(max_length=11, editable=False)
    email = models.EmailField(blank=True)
    bank_card_ciphertext = models.TextField(editable=False)
    bank_card_digest = models.CharField(max_length=64, editable=False, db_index=True)
    bank_card_masked = models.CharField(max_length=19, editable=False)
    monthly_income_amount = models.DecimalField(max_digits=12, decimal_places=2)
    employment_months = models.PositiveIntegerField()
    monthly_debt_payments_amount = models.DecimalField(max_digits=12, decimal_places=2)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ZH_HANS)
    credit_check_consent_at = models.DateTimeField(null=True, blank=True)
    privacy_notice_version = models.CharField(max_length=16, blank=True)
    privacy_consent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}#{self.target_id}"
