"""Maker-checker requests (PRODUCT §2.4, §6): one officer asks, a different one decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loans.origination.models import LoanProduct
from loans.servicing.models import Loan


class ApprovalKind(models.TextChoices):
    DISBURSEMENT = "DISBURSEMENT", _("Disbursement")
    WRITE_OFF = "WRITE_OFF", _("Write-off")
    WAIVER = "WAIVER", _("Waiver")
    MANUAL_ADJUSTMENT = "MANUAL_ADJUSTMENT", _("Manual adjustment")
    PRODUCT_CHANGE = "PRODUCT_CHANGE", _("Product change")
    PERIOD_REOPEN = "PERIOD_REOPEN", _("Accounting period reopening")


class ApprovalStatus(models.TextChoices):
    PENDING = "PENDING", _("Waiting for a second officer")
    APPROVED = "APPROVED", _("Approved")
    REJECTED = "REJECTED", _("Rejected")


# Who may ask for and who may decide each kind: permission codenames on ApprovalRequest, given
# to roles in accounts.roles (maker-checker, PRODUCT §2.4, §6).
APPROVAL_PERMISSIONS = (
    ("request_disbursement", "Can request a disbursement above the threshold"),
    ("approve_disbursement", "Can approve a disbursement"),
    ("request_write_off", "Can request a write-off"),
    ("approve_write_off", "Can approve a write-off"),
    ("request_waiver", "Can request a waiver"),
    ("approve_waiver", "Can approve a waiver"),
    ("request_manual_adjustment", "Can request a manual ledger adjustment"),
    ("approve_manual_adjustment", "Can approve a manual ledger adjustment"),
    ("request_product_change", "Can request a product change"),
    ("approve_product_change", "Can approve a product change"),
    ("request_period_reopen", "Can request reopening a closed accounting period"),
    ("approve_period_reopen", "Can approve reopening a closed accounting period"),
)


class ApprovalRequest(models.Model):
    """Maker-checker (PRODUCT §2.4, §6): one officer requests, a different one decides.

    ``payload`` holds what the request would do (amounts, ids, field values: never personal
    data); approving replays it through the same service that would have done it directly
    (loans.approvals.services.maker_checker). The services enforce the two-person rule and
    lock the row;
    the database refuses a decider equal to the requester and a second pending request for the
    same loan (or product) and kind.
    """

    kind = models.CharField(max_length=20, choices=ApprovalKind.choices, verbose_name=_("kind"))
    loan = models.ForeignKey(
        Loan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("loan"),
    )
    product = models.ForeignKey(
        LoanProduct,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("product"),
    )
    payload = models.JSONField(default=dict, blank=True, verbose_name=_("payload"))
    status = models.CharField(
        max_length=8,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        verbose_name=_("status"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decision_note = models.TextField(blank=True, verbose_name=_("decision note"))

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_approvalrequest"
        ordering = ["-id"]
        permissions = APPROVAL_PERMISSIONS
        indexes = [models.Index(fields=["status", "kind"], name="approval_status_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="approval_decider_is_not_requester",
            ),
            models.UniqueConstraint(
                fields=["loan", "kind"],
                condition=Q(status="PENDING"),
                name="approval_one_pending_per_loan_and_kind",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="PENDING", kind="PRODUCT_CHANGE"),
                name="approval_one_pending_per_product",
            ),
            models.CheckConstraint(
                condition=(Q(kind="PRODUCT_CHANGE") & Q(product__isnull=False))
                # An accounting period (issue #19) names its month in the payload.
                | (Q(kind="PERIOD_REOPEN") & Q(loan__isnull=True, product__isnull=True))
                | (~Q(kind__in=["PRODUCT_CHANGE", "PERIOD_REOPEN"]) & Q(loan__isnull=False)),
                name="approval_names_its_loan_or_product",
            ),
            models.CheckConstraint(
                condition=Q(status="PENDING", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="PENDING") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="approval_decided_has_decider",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ApprovalKind.PERIOD_REOPEN:
            return f"{self.kind} of {self.payload.get('month')} ({self.status})"
        target = f"loan {self.loan_id}" if self.loan_id else f"product {self.product_id}"
        return f"{self.kind} of {target} ({self.status})"
