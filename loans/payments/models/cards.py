"""Cards bound for auto-debit (代扣, PRODUCT §11)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Borrower


class CardBindingStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    REVOKED = "REVOKED", "Switched off"


class CardBindingChannel(models.TextChoices):
    PORTAL = "PORTAL", "Portal"
    PARTNER = "PARTNER", "Partner API"
    # Switched off by the collection run on the bank's answer (card invalid or frozen,
    # agreement revoked at the bank): never a binding's own channel.
    SYSTEM = "SYSTEM", "By the bank's answer"


class CardBinding(models.Model):
    """A bank card a borrower bound for automatic repayment (代扣, PRODUCT §11), with consent.

    The card number is stored as ``accounts.crypto`` stores bank cards: ciphertext, keyed digest,
    mask. The holder's name and identity number were checked against the borrower's and are not
    stored again. Switching off keeps the row (REVOKED, ``revoked_at``) as evidence; at most one
    binding per borrower is ACTIVE (a partial unique index). Written only by
    ``loans.payments.card_bindings``.
    """

    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="card_bindings", verbose_name=_("borrower")
    )
    card_number_ciphertext = models.TextField(
        editable=False, verbose_name=_("card number (encrypted)")
    )
    card_number_digest = models.CharField(
        max_length=64, editable=False, db_index=True, verbose_name=_("card number (digest)")
    )
    card_number_masked = models.CharField(
        max_length=19, editable=False, verbose_name=_("card number (masked)")
    )
    gateway = models.CharField(max_length=100, verbose_name=_("gateway"))
    agreement_reference = models.CharField(max_length=100, verbose_name=_("agreement reference"))
    status = models.CharField(
        max_length=10,
        choices=CardBindingStatus.choices,
        default=CardBindingStatus.ACTIVE,
        verbose_name=_("status"),
    )
    channel = models.CharField(
        max_length=10, choices=CardBindingChannel.choices, verbose_name=_("channel")
    )
    consent_at = models.DateTimeField(verbose_name=_("consent at"))
    consent_ip = models.GenericIPAddressField(
        null=True, blank=True, verbose_name=_("consent from IP")
    )
    consent_user_agent = models.CharField(
        max_length=500, blank=True, verbose_name=_("consent user agent")
    )
    agreement_version = models.CharField(max_length=32, verbose_name=_("agreement version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    revoked_channel = models.CharField(
        max_length=10,
        choices=CardBindingChannel.choices,
        blank=True,
        verbose_name=_("revoked channel"),
    )

    class Meta:
        verbose_name = _("card binding")
        verbose_name_plural = _("card bindings")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["borrower"],
                condition=Q(status="ACTIVE"),
                name="card_binding_one_active_per_borrower",
            ),
            models.CheckConstraint(
                condition=(Q(status="ACTIVE") & Q(revoked_at__isnull=True))
                | (Q(status="REVOKED") & Q(revoked_at__isnull=False)),
                name="card_binding_revoked_has_time",
            ),
            models.UniqueConstraint(
                fields=["gateway", "agreement_reference"],
                name="card_binding_agreement_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Card {self.card_number_masked} of borrower {self.borrower_id} ({self.status})"
