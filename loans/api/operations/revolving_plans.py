"""The partner API's installment-plan and credit-balance operations in the schema: the quote
of a bill installment, the bill installment itself, the account's plans, and the refund of its
credit balance (see ``loans.api.operations.base``)."""

from __future__ import annotations

from loans.api import examples as ex
from loans.api.operations.base import INVALID_AMOUNT, LIST_PAGING, Operation, Refusal

_ROWS = [
    {"number": n, "statement_date": f"2027-{n + 1:02d}-05", "principal": "500.00", "fee": "43.80"}
    for n in (1, 2)
]
BILL_INSTALLMENT_QUOTE = {
    "amount": "6000.00",
    "term": 12,
    "apr": "0.157939",
    "fee_per_installment": "43.80",
    "fees": "525.60",
    "total": "6525.60",
    "installments": _ROWS,
}
BILL_INSTALLMENT_REQUEST = {
    "statement_date": "2027-01-05",
    "amount": "6000.00",
    "term": 12,
    "reference": "MI-BI-0001",
}
PLAN = {
    "id": 3,
    "kind": "BILL",
    "statement_date": "2027-01-05",
    "order": None,
    "amount": "6000.00",
    "term": 12,
    "apr": "0.157939",
    "fee_rate": "0.007300",
    "fee_per_installment": "43.80",
    "fee_payer": "BORROWER",
    "reference": "MI-BI-0001",
    "value_date": "2027-01-08",
    "installments": [{**row, "billed": False} for row in _ROWS],
}

_REFUSED = Refusal(
    422,
    "Not allowed on this bill",
    ex.error(
        "bill_installment_refused",
        "The amount is more than the bill's unpaid revolving principal.",
    ),
)

PLAN_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account/bill-installments/quote"): (
        Operation(
            operation_id="bill_installment_quote",
            summary="Quote turning a bill into installments",
            description=(
                "What it would cost the borrower to turn `amount` of the bill of "
                "`statement_date` into `term` monthly installments (3, 6, 9 or 12): the annual "
                "percentage rate of the whole cost (`apr`, show it to the borrower first), the "
                "fee per installment, the fees in all and each installment with the bill it "
                "goes on. A rate above the platform's cap is refused (422)."
            ),
            response=BILL_INSTALLMENT_QUOTE,
            refusals=(INVALID_AMOUNT, _REFUSED),
        )
    ),
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/bill-installments"): Operation(
        operation_id="bill_installment_create",
        summary="Turn a bill into installments",
        description=(
            "Turn all or part of a bill's unpaid purchases (at least 100.00) into 3, 6, 9 or 12 "
            "monthly installments, from the day after the bill's date through its due date. "
            "The amount leaves the bill and lowers its minimum payment; each installment "
            "(principal and fee) goes on one of the next bills and bears no interest. The "
            "plan's principal still counts against the limit until it is repaid. Idempotent "
            "by your `reference`: the same plan again answers the first (200); another plan "
            "under the same reference is a conflict (409)."
        ),
        request=BILL_INSTALLMENT_REQUEST,
        response=PLAN,
        refusals=(
            INVALID_AMOUNT,
            _REFUSED,
            Refusal(
                409,
                "Reference used for another plan",
                ex.error(
                    "duplicate_reference",
                    "The reference MI-BI-0001 was used for plan 3 (6000.00 in 12 installments).",
                ),
            ),
        ),
    ),
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/credit-refunds"): Operation(
        operation_id="credit_refund_create",
        summary="Pay back the credit balance",
        description=(
            "Pay back all or part of the account's `credit_balance` to the borrower (what a "
            "payment above the debt, or a refund of a purchase already billed, left over). "
            "Until then the credit pays the borrower's next purchase or bill. Idempotent by your "
            "`reference`: the same refund again answers the first (200); the same reference "
            "with another amount is a conflict (409). More than the credit balance is refused "
            "(422)."
        ),
        request={"amount": "120.00", "reference": "MI-CR-0001"},
        response={
            "id": 2,
            "amount": "120.00",
            "reference": "MI-CR-0001",
            "value_date": "2027-01-20",
            "created_at": "2027-01-20T10:02:11.512000+08:00",
        },
        refusals=(
            INVALID_AMOUNT,
            Refusal(
                422,
                "More than the credit balance",
                ex.error(
                    "credit_refund_refused",
                    "The credit balance is 100.00: 120.00 cannot be refunded.",
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account/plans"): Operation(
        operation_id="installment_plan_list",
        summary="List the borrower's installment plans",
        description=(
            "The installment plans of the borrower's revolving account, newest first: bill "
            "installments and purchases on a plan, with the annual percentage rate, the fee, "
            "who pays it (`MERCHANT` on a plan you subsidise) and each installment with the "
            "bill it goes on." + LIST_PAGING
        ),
        response=PLAN,
    ),
}
