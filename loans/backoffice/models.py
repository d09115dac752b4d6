"""The back office's queues (issue #6): proxy models whose default manager is the queue.

Each proxy gets its own admin page and its own ``view_<queue>`` permission, so a role sees exactly
the queues it works (accounts.roles). The managers filter on indexed columns only.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from loans.approvals.models import ApprovalRequest, ApprovalStatus
from loans.origination.models import ApplicationStatus, CreditApplication
from loans.servicing.models import Loan, LoanStatus


class ReferredApplicationManager(models.Manager["ReferredApplication"]):
    def get_queryset(self) -> models.QuerySet[ReferredApplication]:
        return (
            super()
            .get_queryset()
            .filter(status=ApplicationStatus.REFERRED, decided_by__isnull=True)
        )


class ReferredApplication(CreditApplication):
    """Applications the scorecard referred to an officer, not yet decided."""

    objects: ClassVar[ReferredApplicationManager] = ReferredApplicationManager()

    class Meta:
        proxy = True
        verbose_name = _("referred application")
        verbose_name_plural = _("referred applications")


class PendingDisbursementManager(models.Manager["PendingDisbursement"]):
    def get_queryset(self) -> models.QuerySet[PendingDisbursement]:
        return super().get_queryset().filter(status=LoanStatus.PENDING_DISBURSEMENT)


class PendingDisbursement(Loan):
    """Drawn loans above the auto-disbursement threshold, waiting to be disbursed."""

    objects: ClassVar[PendingDisbursementManager] = PendingDisbursementManager()

    class Meta:
        proxy = True
        verbose_name = _("loan pending disbursement")
        verbose_name_plural = _("loans pending disbursement")


class PendingApprovalManager(models.Manager["PendingApproval"]):
    def get_queryset(self) -> models.QuerySet[PendingApproval]:
        return super().get_queryset().filter(status=ApprovalStatus.PENDING)


class PendingApproval(ApprovalRequest):
    """Requests waiting for a second approver."""

    objects: ClassVar[PendingApprovalManager] = PendingApprovalManager()

    class Meta:
        proxy = True
        verbose_name = _("approval waiting for a second approver")
        verbose_name_plural = _("approvals waiting for a second approver")


class DecidedApprovalManager(models.Manager["DecidedApproval"]):
    def get_queryset(self) -> models.QuerySet[DecidedApproval]:
        return super().get_queryset().exclude(status=ApprovalStatus.PENDING)


class DecidedApproval(ApprovalRequest):
    """The approvals history: every approved or rejected request."""

    objects: ClassVar[DecidedApprovalManager] = DecidedApprovalManager()

    class Meta:
        proxy = True
        verbose_name = _("decided approval")
        verbose_name_plural = _("approvals history")


class OverdueLoan(Loan):
    """The collections worklist: a proxy of Loan with its own admin and permissions."""

    class Meta:
        proxy = True
        verbose_name = _("overdue loan")
        verbose_name_plural = _("collections worklist")
