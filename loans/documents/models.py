"""What is kept of the documents: the contract's fingerprint and the certificates' codes.

The PDFs themselves are not stored: each is generated again from the loan's data and, for the
contract, checked against the SHA-256 recorded at signing (PRODUCT §14).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from loans.servicing.models import Loan


class ContractDocument(models.Model):
    """The signed contract's PDF as first generated: its language and SHA-256, never changed."""

    loan = models.OneToOneField(
        Loan, on_delete=models.PROTECT, related_name="contract_document", verbose_name=_("loan")
    )
    language = models.CharField(max_length=8, choices=Language.choices, verbose_name=_("language"))
    pdf_sha256 = models.CharField(max_length=64, verbose_name=_("PDF SHA-256"))
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(pdf_sha256__regex=r"^[0-9a-f]{64}$"),
                name="contract_document_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"Contract of loan {self.loan_id} ({self.pdf_sha256[:12]})"


class SettlementCertificate(models.Model):
    """The settlement certificate (结清证明) of a paid-off loan and its verification code.

    The code is random (80 bits, base32), stored, and checked on the public page
    ``/verify/<code>``: it cannot be guessed from the loan or the borrower.
    """

    loan = models.OneToOneField(
        Loan,
        on_delete=models.PROTECT,
        related_name="settlement_certificate",
        verbose_name=_("loan"),
    )
    code = models.CharField(max_length=16, unique=True, verbose_name=_("verification code"))
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("issued at"))

    class Meta:
        verbose_name = _("settlement certificate")
        verbose_name_plural = _("settlement certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z2-7]{16}$"),
                name="settlement_certificate_code_base32",
            ),
        ]

    def __str__(self) -> str:
        return f"Settlement certificate of loan {self.loan_id}"
