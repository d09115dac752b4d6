"""Credit applications, their scorecard decision, and the borrower's credit line (PRODUCT §6)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Borrower, Partner, User
from accounts.selectors import borrower_birth_date_decrypt, borrower_identity_conflicts
from loans.domain.dates import age_on
from loans.domain.scorecard import (
    GRADE_RATES,
    MAX_CREDIT_LIMIT,
    MIN_CREDIT_LIMIT,
    Grade,
    Outcome,
    ScorecardInputs,
    decide,
)
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.origination.models import ApplicationStatus, CreditApplication
from loans.servicing.models import CreditLine, CreditLineStatus, Loan, LoanStatus
from loans.servicing.selectors import borrower_worst_days_past_due

logger = logging.getLogger(__name__)

REAPPLY_AFTER_DECLINE = timedelta(days=30)
# Reason codes an officer may give when declining a referred application (shown to the applicant).
OFFICER_DECLINE_REASONS = (
    "OFFICER_DECLINED",
    "IDENTITY_NOT_VERIFIED",
    "INCOME_NOT_VERIFIED",
    "DEBT_TOO_HIGH",
    "SUSPECTED_FRAUD",
)
STATUS_BY_OUTCOME = {
    Outcome.APPROVE: ApplicationStatus.APPROVED,
    Outcome.REFER: ApplicationStatus.REFERRED,
    Outcome.DECLINE: ApplicationStatus.DECLINED,
}


class CreditApplicationRefused(LendingError):
    """An application may not be made now: ``reason`` says why, ``reapply_date`` from when."""

    code = "credit_application_refused"

    def __init__(self, message: str, *, reason: str = "", reapply_date: date | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.reapply_date = reapply_date


class CreditReviewRefused(LendingError):
    code = "credit_review_refused"


def scorecard_inputs(*, borrower: Borrower, as_of: date) -> ScorecardInputs:
    """Gather what the scorecard decides on, from the profile and the platform's history.

    The age is worked out from the decrypted identity number (no birth date is stored).
    """
    same_person = Loan.objects.filter(borrower__id_number_digest=borrower.id_number_digest)
    birth_date = borrower_birth_date_decrypt(borrower=borrower)
    return ScorecardInputs(
        age=age_on(birth_date=birth_date, as_of=as_of),
        monthly_income=borrower.monthly_income_amount,
        employment_months=borrower.employment_months,
        monthly_debt_payments=borrower.monthly_debt_payments_amount,
        worst_days_past_due=borrower_worst_days_past_due(borrower=borrower),
        has_write_off=same_person.filter(status=LoanStatus.WRITTEN_OFF).exists(),
        loans_paid_off=same_person.filter(status=LoanStatus.PAID_OFF).count(),
        identity_conflicts=tuple(borrower_identity_conflicts(borrower=borrower)),
    )


@transaction.atomic
def credit_application_submit(
    *, borrower: Borrower, as_of: date, partner: Partner | None = None
) -> CreditApplication:
    """Score an application and record the decision; an approval opens or resets the line.

    Refused (CreditApplicationRefused) while a referral is pending, or within 30 days of a
    decline.
    """
    borrower = Borrower.objects.select_for_update().get(pk=borrower.pk)
    credit_application_check(borrower=borrower, as_of=as_of)
    inputs = scorecard_inputs(borrower=borrower, as_of=as_of)
    decision = decide(inputs)
    application = CreditApplication.objects.create(
        borrower=borrower,
        partner=partner,
        applied_date=as_of,
        status=STATUS_BY_OUTCOME[decision.outcome],
        scorecard_version=decision.version,
        inputs=_json_inputs(inputs),
        score=decision.score,
        points=[list(p) for p in decision.points],
        grade=decision.grade or "",
        credit_limit_amount=decision.credit_limit,
        annual_rate=decision.annual_rate,
        reasons=list(decision.reasons),
        decided_at=None if decision.outcome is Outcome.REFER else timezone.now(),
    )
    if decision.outcome is Outcome.APPROVE:
        _credit_line_open(application)
    if decision.outcome is not Outcome.REFER:
        _decided_event_write(application)
    logger.info("credit application %s: %s", application.pk, application.status)
    return application


def _decided_event_write(application: CreditApplication) -> None:
    outbox_event_write(
        partner_id=application.partner_id,
        event_type=WebhookEventType.CREDIT_APPLICATION_DECIDED,
        data={
            "credit_application": application.pk,
            "borrower": application.borrower_id,
            "status": application.status,
            "credit_limit": str(application.credit_limit_amount),
            "grade": application.grade,
            "annual_rate": None
            if application.annual_rate is None
            else str(application.annual_rate),
            "reasons": list(application.reasons),
        },
    )


def credit_application_check(*, borrower: Borrower, as_of: date) -> None:
    """Raise CreditApplicationRefused when the borrower may not apply on ``as_of``.

    Not while a referral waits for an officer (reason ``UNDER_REVIEW``), nor within 30 days of
    a decline (``RECENTLY_DECLINED``, with the first date a new application is taken).
    """
    latest = borrower.applications.order_by("-id").first()
    if latest is None:
        return
    if latest.status == ApplicationStatus.REFERRED and latest.decided_by_id is None:
        raise CreditApplicationRefused(
            "Your application is being reviewed by an officer.", reason="UNDER_REVIEW"
        )
    if (
        latest.status == ApplicationStatus.DECLINED
        and as_of < latest.applied_date + REAPPLY_AFTER_DECLINE
    ):
        again = latest.applied_date + REAPPLY_AFTER_DECLINE
        raise CreditApplicationRefused(
            f"You may apply again from {again.isoformat()}.",
            reason="RECENTLY_DECLINED",
            reapply_date=again,
        )


def _json_inputs(inputs: ScorecardInputs) -> dict[str, object]:
    return {
        key: str(value)
        if isinstance(value, Decimal)
        else list(value)
        if isinstance(value, tuple)
        else value
        for key, value in asdict(inputs).items()
    }


def _credit_line_open(application: CreditApplication) -> CreditLine:
    line = CreditLine.objects.select_for_update().filter(borrower=application.borrower).first()
    if line is None:
        line = CreditLine(borrower=application.borrower, used_amount=Decimal("0.00"))
    line.application = application
    # A new decision never puts the line below what is already borrowed.
    line.limit_amount = max(application.credit_limit_amount, line.used_amount)
    line.grade = application.grade
    line.annual_rate = application.annual_rate or Decimal("0")
    line.status = CreditLineStatus.ACTIVE
    line.save()
    return line


@transaction.atomic
def credit_application_review(
    *,
    application: CreditApplication,
    officer: User,
    approve: bool,
    grade: str = "",
    credit_limit: Decimal | None = None,
    reasons: tuple[str, ...] = (),
    note: str = "",
) -> CreditApplication:
    """Decide a referred application as an officer: approve within policy, or decline.

    Approval needs a grade A-E and a limit of ¥500-30,000 in ¥100 steps; the rate is the
    grade's. Raises CreditReviewRefused.
    """
    application = CreditApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.REFERRED or application.decided_by_id:
        raise CreditReviewRefused(f"Application {application.pk} is not waiting for review.")
    if approve:
        credit_review_check(grade=grade, credit_limit=credit_limit)
        application.status = ApplicationStatus.APPROVED
        application.grade = grade
        application.credit_limit_amount = credit_limit or Decimal("0")
        application.annual_rate = GRADE_RATES[Grade(grade)]
    else:
        if set(reasons) - set(OFFICER_DECLINE_REASONS):
            raise CreditReviewRefused(f"Decline with reasons from {OFFICER_DECLINE_REASONS}.")
        application.status = ApplicationStatus.DECLINED
        application.reasons = list(application.reasons) + list(reasons or ("OFFICER_DECLINED",))
    application.decided_by = officer
    application.decided_at = timezone.now()
    application.officer_note = note
    application.save()
    if approve:
        _credit_line_open(application)
    _decided_event_write(application)
    audit_record(
        actor=officer,
        action="credit_application.approve" if approve else "credit_application.decline",
        target=application,
        details={
            "grade": application.grade,
            "credit_limit": str(application.credit_limit_amount),
            "reasons": list(reasons),
        },
    )
    return application


def credit_review_effect(
    *,
    approve: bool,
    grade: str = "",
    credit_limit: Decimal | None = None,
    reasons: tuple[str, ...] = (),
) -> list[str]:
    """Describe an officer's decision for its confirmation page; raise CreditReviewRefused if
    it is outside policy."""
    if not approve:
        if set(reasons) - set(OFFICER_DECLINE_REASONS):
            raise CreditReviewRefused(f"Decline with reasons from {OFFICER_DECLINE_REASONS}.")
        return [
            _("Decline with reasons: %(reasons)s.")
            % {"reasons": ", ".join(reasons or ("OFFICER_DECLINED",))},
            _("The applicant is told the reasons and may apply again in 30 days."),
        ]
    credit_review_check(grade=grade, credit_limit=credit_limit)
    return [
        _("Approve: grade %(grade)s, credit limit ¥%(limit)s, annual rate %(rate)s.")
        % {"grade": grade, "limit": credit_limit, "rate": f"{GRADE_RATES[Grade(grade)]:.2%}"},
        _("The borrower's credit line opens at once."),
    ]


def credit_review_check(*, grade: str, credit_limit: Decimal | None) -> None:
    """Raise CreditReviewRefused unless an officer's approval is within policy (PRODUCT §6)."""
    if grade not in Grade.__members__:
        raise CreditReviewRefused("Choose a grade from A to E.")
    if (
        credit_limit is None
        or not MIN_CREDIT_LIMIT <= credit_limit <= MAX_CREDIT_LIMIT
        or credit_limit % 100
    ):
        raise CreditReviewRefused("The limit must be ¥500 to ¥30,000 in steps of ¥100.")
