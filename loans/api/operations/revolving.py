"""The partner API's revolving-credit operations in the schema: the borrower's revolving
account, checkout orders and their refunds (see ``loans.api.operations.base``)."""

from __future__ import annotations

from loans.api import examples as ex
from loans.api.operations.base import INVALID_AMOUNT, LIST_PAGING, Operation, Refusal

REVOLVING_ACCOUNT_REQUEST = {"product": "huabei", "statement_day": 5}
REVOLVING_ACCOUNT = {
    "id": 7,
    "borrower": 10,
    "product": "huabei",
    "status": "ACTIVE",
    "statement_day": 5,
    "daily_rate": "0.000500",
    "limit": "20000.00",
    "available": "17501.00",
    "principal": "2499.00",
    "credit_balance": "0.00",
    "opened_date": "2026-12-01",
    "closed_date": None,
}
REVOLVING_ACCOUNT_CLOSED = {
    **REVOLVING_ACCOUNT,
    "status": "CLOSED",
    "available": "20000.00",
    "principal": "0.00",
    "closed_date": "2027-02-10",
}
ORDER_REQUEST = {
    "borrower": 10,
    "merchant_order_id": "MI-20261201-0001",
    "amount": "2499.00",
    "description": "Redmi K80 12GB+256GB",
}
ORDER = {
    "id": 31,
    "borrower": 10,
    "merchant_order_id": "MI-20261201-0001",
    "amount": "2499.00",
    "description": "Redmi K80 12GB+256GB",
    "status": "CREATED",
    "created_at": "2026-12-01T12:00:00.415000+08:00",
    "expires_at": "2026-12-01T12:15:00.415000+08:00",
    "captured_at": None,
    "captured_date": None,
    "refunded": "0.00",
    "plan_term": None,
    "merchant_subsidised": False,
    "plan": None,
    "confirm_url": "https://lendportal.example/app/orders/eyJvcmRlciI6MzF9:1xa:3Jk8Zq/",
}
ORDER_CAPTURED = {
    **ORDER,
    "status": "CAPTURED",
    "captured_at": "2026-12-01T12:03:41.002000+08:00",
    "captured_date": "2026-12-01",
    "confirm_url": None,
}
REFUND_REQUEST = {"merchant_refund_id": "MI-RF-0001", "amount": "499.00"}
REFUND = {
    "id": 4,
    "order": 31,
    "merchant_refund_id": "MI-RF-0001",
    "amount": "499.00",
    "value_date": "2026-12-03",
    "created_at": "2026-12-03T09:30:12.880000+08:00",
}

STATEMENT = {
    "id": 12,
    "statement_date": "2027-01-05",
    "due_date": "2027-01-14",
    "pay_by_date": "2027-01-14",
    "cycle_start": "2026-12-05",
    "previous_unpaid": "0.00",
    "new_purchases": "2499.00",
    "revolving_principal": "2499.00",
    "installment_principal": "0.00",
    "fees": "0.00",
    "interest": "0.00",
    "penalty": "0.00",
    "balance": "2499.00",
    "minimum_payment": "249.90",
}

REVOLVING_PAYMENT_REQUEST = {"amount": "300.00", "reference": "MI-PAY-0001"}
REVOLVING_PAYMENT = {
    "id": 5,
    "amount": "300.00",
    "value_date": "2027-01-10",
    "reference": "MI-PAY-0001",
    "minimum_paid": "249.90",
    "allocation": [
        {
            "step": "MINIMUM",
            "part": "REVOLVING_PRINCIPAL",
            "statement_date": "2027-01-05",
            "purchase_id": None,
            "amount": "249.90",
        },
        {
            "step": "REVOLVING_PRINCIPAL",
            "part": "REVOLVING_PRINCIPAL",
            "statement_date": "2027-01-05",
            "purchase_id": None,
            "amount": "50.10",
        },
    ],
    "created_at": "2027-01-10T09:12:03.114000+08:00",
}

_NO_ACCOUNT = Refusal(
    422,
    "No revolving account",
    ex.error("revolving_account_not_opened", "Borrower 10 has no revolving account: open one."),
)

REVOLVING_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account"): Operation(
        operation_id="revolving_account_retrieve",
        summary="Read the borrower's revolving account",
        description=(
            "The borrower's revolving account (花呗-style purchases at your checkout): its "
            "statement day, its daily rate, the credit line's limit, what is `available` for "
            "purchases and cash loans together, and the purchase principal not yet repaid. 404 "
            "if none was opened."
        ),
        response=REVOLVING_ACCOUNT,
    ),
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account"): Operation(
        operation_id="revolving_account_open",
        summary="Open a revolving account",
        description=(
            "Open the revolving account of a borrower you registered, on their approved credit "
            "line, with the product and the statement day (1 to 28; the bill is made on that "
            "day each month and due nine days later). Purchases and cash loans share the "
            "line's limit. One account per borrower."
        ),
        request=REVOLVING_ACCOUNT_REQUEST,
        response=REVOLVING_ACCOUNT,
        refusals=(
            Refusal(
                422,
                "Already open",
                ex.error(
                    "revolving_account_not_opened",
                    "The credit line already has a revolving account.",
                ),
            ),
        ),
    ),
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/close"): Operation(
        operation_id="revolving_account_close",
        summary="Close the revolving account",
        description=(
            "Close the borrower's revolving account at their request. Only an account that owes "
            "nothing (no unpaid bill, purchase, installment, interest or penalty), holds no "
            "credit balance (refund it first) and has no order waiting for the borrower closes; "
            "else 422 with the reason. Closed, it takes no order, payment or refund; the credit "
            "line stays for cash loans, and the credit bureau is told the account closed. No "
            "body."
        ),
        response=REVOLVING_ACCOUNT_CLOSED,
        refusals=(
            Refusal(
                422,
                "Still owes",
                ex.error(
                    "revolving_account_not_closed",
                    "The account still owes money (bills, purchases or installments): it "
                    "closes once everything is paid.",
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/borrowers/{borrower_id}/revolving-account/statements"): Operation(
        operation_id="statement_list",
        summary="List the borrower's bills",
        description=(
            "The monthly bills of the borrower's revolving account, newest first: the cycle, "
            "the due date and the last day a payment counts as on time (`pay_by_date`, the next "
            "working day when the due date is not one), what was bought in the cycle, what "
            "earlier bills left unpaid, the balance and the minimum payment." + LIST_PAGING
        ),
        response=STATEMENT,
    ),
    ("POST", "/api/v1/borrowers/{borrower_id}/revolving-account/payments"): Operation(
        operation_id="revolving_payment_create",
        summary="Post a payment on the revolving account",
        description=(
            "A payment you received for the borrower's bills. It pays, in this order: the "
            "unpaid minimum of the oldest bill first, then what the bills still owe, oldest "
            "first, then purchases not billed yet; `allocation` lists each part. The limit "
            "comes back by what it pays. What is left becomes the account's `credit_balance`, "
            "which pays the next purchase or bill, or is refunded on request. Idempotent by "
            "your `reference`: the same payment again answers the first (200); the same "
            "reference with another amount is a conflict (409)."
        ),
        request=REVOLVING_PAYMENT_REQUEST,
        response=REVOLVING_PAYMENT,
        refusals=(
            INVALID_AMOUNT,
            Refusal(
                409,
                "Reference used for another amount",
                ex.error(
                    "duplicate_reference",
                    "The reference MI-PAY-0001 was used for a payment of 300.00.",
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/orders"): Operation(
        operation_id="order_list",
        summary="List your checkout orders",
        description=(
            "Your checkout orders, newest first, filtered by `status` or by your "
            "`merchant_order_id`." + LIST_PAGING
        ),
        response=ORDER_CAPTURED,
    ),
    ("POST", "/api/v1/orders"): Operation(
        operation_id="order_create",
        summary="Create a checkout order",
        description=(
            "Ask the borrower to pay a basket with their credit line. Send the borrower to "
            "`confirm_url`: they sign in, see the amount, your name, the description and the "
            "rate, and confirm with their password; the order is then captured (webhook "
            "`order.captured`) and you are owed the amount. Not confirmed within 15 minutes, "
            "it expires. Idempotent by your `merchant_order_id`: the same order sent again "
            "answers the first (200); the same id with another amount, description or plan is "
            "a conflict (409). With `plan_term` (3, 6, 9 or 12; at least 100.00) the purchase "
            "is repaid in that many monthly installments with a fee each month, shown with its "
            "annual rate before the borrower confirms; with `merchant_subsidised` you pay the "
            "fees (interest-free for the borrower) and `plan.subsidy` says what you owe."
        ),
        request=ORDER_REQUEST,
        response=ORDER,
        refusals=(
            INVALID_AMOUNT,
            _NO_ACCOUNT,
            Refusal(
                409,
                "Order id used for another order",
                ex.error(
                    "order_conflict",
                    "The order id MI-20261201-0001 was used for a different order 31.",
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/orders/{order_id}"): Operation(
        operation_id="order_retrieve",
        summary="Read a checkout order",
        description=(
            "One of your orders: `CREATED` (waiting for the borrower, with its `confirm_url`), "
            "`CAPTURED` (with the time and the business date), or `EXPIRED`; and how much of "
            "it was refunded."
        ),
        response=ORDER_CAPTURED,
    ),
    ("GET", "/api/v1/orders/{order_id}/refunds"): Operation(
        operation_id="order_refund_list",
        summary="List an order's refunds",
        description="Every refund of one of your orders, oldest first, with its business date.",
        response=REFUND,
    ),
    ("POST", "/api/v1/orders/{order_id}/refunds"): Operation(
        operation_id="order_refund_create",
        summary="Refund a checkout order",
        description=(
            "Refund all or part of a captured order: the borrower owes that much less and the "
            "limit comes back by it; you are owed that much less (webhook `order.refunded`). "
            "The refunds of an order never exceed it. Idempotent by your "
            "`merchant_refund_id`: the same refund sent again answers the first (200); the "
            "same id with another amount is a conflict (409)."
        ),
        request=REFUND_REQUEST,
        response=REFUND,
        refusals=(
            INVALID_AMOUNT,
            Refusal(
                422,
                "More than is left of the order",
                ex.error("order_not_refunded", "A refund of order 31 is from 0.01 to 2000.00."),
            ),
            Refusal(
                409,
                "Refund id used for another amount",
                ex.error(
                    "refund_conflict", "The refund id MI-RF-0001 was used for a refund of 499.00."
                ),
            ),
        ),
    ),
}
