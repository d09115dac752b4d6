"""Example requests and answers of the partner API, shown in its OpenAPI schema and docs pages.

One story, as in the README's walk-through: a partner registers borrower 10, whose credit
application is approved, draws loan 8 of ¥5,000 over 12 months on the business date 2026-12-01,
and posts a repayment of ¥500.00 the same day (held as an advance: nothing is due yet). The
quote and the schedule are computed by the same code that prices real loans, so their figures
are exact; ``tests/functional/api/test_schema_docs.py`` validates every example against the
schema.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from loans.domain.quote import make_quote, quote_as_dict
from loans.domain.schedule import RepaymentMethod

DRAWN = date(2026, 12, 1)
_QUOTE = make_quote(
    principal=Decimal("5000.00"),
    annual_rate=Decimal("0.108"),
    term=12,
    method=RepaymentMethod.EQUAL_INSTALLMENT,
    start_date=DRAWN,
)
QUOTE: dict[str, Any] = quote_as_dict(_QUOTE)

QUOTE_REQUEST = {
    "product": "CASH",
    "principal": "5000.00",
    "term": 12,
    "method": "EQUAL_INSTALLMENT",
    "borrower": 10,
    "start_date": "2026-12-01",
}

BORROWER_REQUEST = {
    "external_id": "cust-1",
    "name": "王小明",
    "id_number": "110105199005177512",
    "mobile": "13900007511",
    "email": "wxm@example.com",
    "monthly_income": "15000.00",
    "employment_months": 48,
    "monthly_debt_payments": "0.00",
    "bank_card": "6222020000007515",
    "language": "zh-hans",
    "credit_check_consent_at": "2026-12-01T09:58:00+08:00",
    "privacy_notice_version": "2026-11",
    "privacy_consent_at": "2026-12-01T09:58:00+08:00",
}
BORROWER = {
    "id": 10,
    "external_id": "cust-1",
    "name": "王小明",
    "id_number_masked": "110***************",
    "mobile_masked": "1********11",
    "email": "wxm@example.com",
    "bank_card_masked": "622***********15",
    "monthly_income": "15000.00",
    "employment_months": 48,
    "monthly_debt_payments": "0.00",
    "created_at": "2026-12-01T09:58:03.512000+08:00",
}

CARD_BINDING_REQUEST = {
    "card_number": "6222020000007515",
    "holder_name": "王小明",
    "holder_id_number": "110105199005177512",
    "consent_at": "2026-12-02T10:15:00+08:00",
    "consent_ip": "203.0.113.7",
    "consent_user_agent": "PartnerApp/5.2 (iPhone; iOS 18.1)",
    "agreement_version": "LP-AUTODEBIT-2026-12",
}
CARD_BINDING = {
    "id": 3,
    "borrower": 10,
    "status": "ACTIVE",
    "card_number_masked": "622***********15",
    "agreement_version": "LP-AUTODEBIT-2026-12",
    "consent_at": "2026-12-02T10:15:00+08:00",
    "created_at": "2026-12-02T10:15:01.204000+08:00",
    "revoked_at": None,
}
CARD_BINDING_REVOKED = {
    **CARD_BINDING,
    "status": "REVOKED",
    "revoked_at": "2026-12-20T18:02:44.090000+08:00",
}

CREDIT_APPLICATION_REQUEST = {"borrower": 10}
CREDIT_APPLICATION = {
    "id": 10,
    "borrower": 10,
    "status": "APPROVED",
    "credit_limit": "30000.00",
    "grade": "B",
    "annual_rate": "0.108000",
    "reasons": [],
    "applied_date": "2026-12-01",
    "decided_at": "2026-12-01T09:58:04.020000+08:00",
}

LOAN_REQUEST = {
    "borrower": 10,
    "product": "CASH",
    "principal": "5000.00",
    "term": 12,
    "method": "EQUAL_INSTALLMENT",
    "contract": {
        "version": "v1",
        "accepted_at": "2026-12-01T10:00:00+08:00",
        "ip": "203.0.113.7",
        "user_agent": "Acme app 3.1",
        "signature_name": "王小明",
    },
}


def _balances(**overrides: str) -> dict[str, str]:
    balances = {
        "principal_outstanding": "5000.00",
        "interest_receivable": "0.00",
        "fee_receivable": "0.00",
        "penalty_receivable": "0.00",
        "advance": "0.00",
        "overpayment": "0.00",
    }
    return {**balances, **overrides}


LOAN = {
    "id": 8,
    "status": "ACTIVE",
    "borrower": 10,
    "product": "CASH",
    "principal": "5000.00",
    "term": 12,
    "method": "EQUAL_INSTALLMENT",
    "annual_rate": QUOTE["annual_rate"],
    "fee_rate": QUOTE["fee_rate"],
    "apr": QUOTE["apr"],
    "drawn_date": "2026-12-01",
    "disbursed_date": "2026-12-01",
    "closed_date": None,
    "days_past_due": 0,
    "bucket": "CURRENT",
    "balances": _balances(),
    "contract_version": "v1",
    "accepted_at": "2026-12-01T10:00:00+08:00",
    "created_at": "2026-12-01T10:00:01.204000+08:00",
}
# The loan as read after the repayment below: the ¥500.00 waits as an advance.
LOAN_AFTER_REPAYMENT = {**LOAN, "balances": _balances(advance="500.00")}

SCHEDULE = {
    "loan": 8,
    "installments": [
        {
            "number": row["number"],
            "period_start": previous_due,
            "due_date": row["due_date"],
            "principal": row["principal"],
            "interest": row["interest"],
            "fee": row["fee"],
            "total": row["total"],
            "interest_accrued": "0.00",
            "fee_charged": "0.00",
            "penalty_charged": "0.00",
            "principal_paid": "0.00",
            "interest_paid": "0.00",
            "fee_paid": "0.00",
            "penalty_paid": "0.00",
            "paid_date": None,
        }
        for row, previous_due in zip(
            QUOTE["installments"],
            ["2026-12-01", *(i["due_date"] for i in QUOTE["installments"])],
            strict=False,
        )
    ],
}

TRANSACTION = {
    "id": 31,
    "entry_type": "REPAYMENT",
    "value_date": "2026-12-01",
    "memo": "Repayment order-1",
    "reverses": None,
    "posted_at": "2026-12-01T10:05:00.317000+08:00",
    "lines": [
        {"account": "CASH", "installment_number": None, "amount": "500.00"},
        {"account": "ADVANCE_LIABILITY", "installment_number": None, "amount": "-500.00"},
    ],
}

PAYOFF_QUOTE = {
    "loan": 8,
    "date": "2026-12-01",
    "principal": "5000.00",
    "interest": "0.00",
    "fees": "0.00",
    "penalty": "0.00",
    "advance_held": "500.00",
    "total": "4500.00",
}

REPAYMENT_REQUEST = {"amount": "500.00", "value_date": "2026-12-01", "reference": "order-1"}
REPAYMENT = {
    "id": 13,
    "loan": 8,
    "status": "POSTED",
    "amount": "500.00",
    "value_date": "2026-12-01",
    "reference": "order-1",
    "allocation": {"parts": [], "changes": []},
    "advance": "500.00",
    "overpayment": "0.00",
    "prepaid_principal": "0.00",
    "created_at": "2026-12-01T10:05:00.321000+08:00",
}

WEBHOOK_REQUEST = {
    "url": "https://partner.example.com/lendportal/events",
    "event_types": ["loan.disbursed", "repayment.posted"],
}
WEBHOOK = {
    "id": 3,
    "url": "https://partner.example.com/lendportal/events",
    "event_types": ["loan.disbursed", "repayment.posted"],
    "is_active": True,
    "created_at": "2026-12-01T09:50:00.114000+08:00",
}
WEBHOOK_WITH_SECRET = {**WEBHOOK, "secret": "whsec_3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}

WEBHOOK_DELIVERY = {
    "id": 57,
    "event": 11,
    "event_type": "repayment.posted",
    "webhook": 3,
    "loan": 8,
    "status": "DELIVERED",
    "attempt_count": 2,
    "next_attempt_at": "2026-12-01T10:05:31.002000+08:00",
    "deadline_at": "2026-12-02T10:05:00.321000+08:00",
    "last_status_code": 200,
    "last_error": "",
    "delivered_at": "2026-12-01T10:05:31.140000+08:00",
    "attempts": [
        {
            "number": 1,
            "attempted_at": "2026-12-01T10:05:01.002000+08:00",
            "status_code": 503,
            "error": "HTTP 503",
            "duration_ms": 87,
            "succeeded": False,
        },
        {
            "number": 2,
            "attempted_at": "2026-12-01T10:05:31.002000+08:00",
            "status_code": 200,
            "error": "",
            "duration_ms": 64,
            "succeeded": True,
        },
    ],
}
WEBHOOK_DELIVERY_REPLAYED = {
    **WEBHOOK_DELIVERY,
    "status": "PENDING",
    "next_attempt_at": "2026-12-02T08:00:00.000000+08:00",
    "deadline_at": "2026-12-03T08:00:00.000000+08:00",
}

EVENT_PAGE = {
    "results": [
        {
            "id": 10,
            "type": "loan.disbursed",
            "created_at": "2026-12-01T10:00:01.204000+08:00",
            "data": {
                "loan": 8,
                "borrower": 10,
                "principal": "5000.00",
                "disbursed_date": "2026-12-01",
            },
        },
        {
            "id": 11,
            "type": "repayment.posted",
            "created_at": "2026-12-01T10:05:00.321000+08:00",
            "data": {
                "repayment": 13,
                "loan": 8,
                "amount": "500.00",
                "value_date": "2026-12-01",
                "reference": "order-1",
                "status": "POSTED",
            },
        },
    ],
    "next_after": 11,
}


def error(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """An error body as the API answers it."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}
