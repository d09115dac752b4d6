"""The partner API's lending operations in the schema: quotes, borrowers, credit, loans,
repayments, webhooks and events (see ``loans.api.operations.base``)."""

from __future__ import annotations

from loans.api import examples as ex
from loans.api.operations.base import (
    INVALID_AMOUNT,
    KEY_REQUIRED,
    KEY_REUSED,
    LIST_PAGING,
    Operation,
    Refusal,
)

LENDING_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "/api/v1/quotes"): Operation(
        operation_id="quote_create",
        summary="Price a loan",
        description=(
            "The schedule, totals and annual percentage rate (APR) of a loan of this product, "
            "amount, term and repayment method, starting on `start_date` (default: today's "
            "business date). With `borrower`, at the rate of that borrower's approved grade; "
            "without, at the product's highest rate (the most any approved borrower pays). "
            "Nothing is stored."
        ),
        request=ex.QUOTE_REQUEST,
        response=ex.QUOTE,
        refusals=(
            Refusal(
                400,
                "Unknown product",
                ex.error(
                    "invalid",
                    "Some fields are not valid.",
                    {"product": ["No such product is offered."]},
                ),
            ),
        ),
    ),
    ("POST", "/api/v1/borrowers"): Operation(
        operation_id="borrower_create",
        summary="Register a borrower",
        description=(
            "Register a person who applies through you, with their identity, contact, income "
            "and bank card. The identity number (18 characters, check digit included), mobile "
            "number and bank card are checked; the person is 18 to 60 years old. `external_id` is "
            "your own id of the person, unique among your borrowers. Identity and card numbers "
            "are stored encrypted and answered masked."
        ),
        request=ex.BORROWER_REQUEST,
        response=ex.BORROWER,
        refusals=(
            Refusal(
                400,
                "Invalid identity number",
                ex.error(
                    "invalid",
                    "Some fields are not valid.",
                    {"id_number": ["This is not a valid identity number."]},
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/borrowers/{borrower_id}"): Operation(
        operation_id="borrower_retrieve",
        summary="Read a borrower",
        description="A borrower you registered, with the identity numbers masked.",
        response=ex.BORROWER,
    ),
    ("GET", "/api/v1/borrowers/{borrower_id}/card-binding"): Operation(
        operation_id="card_binding_retrieve",
        summary="Read the borrower's auto-debit card",
        description=(
            "The card the borrower bound for auto-debit (代扣), masked: the active one, or the "
            "last one switched off (`status` `REVOKED`). 404 if the borrower never bound one."
        ),
        response=ex.CARD_BINDING,
    ),
    ("POST", "/api/v1/borrowers/{borrower_id}/card-binding"): Operation(
        operation_id="card_binding_create",
        summary="Bind a card for auto-debit",
        description=(
            "Bind one bank card for automatic repayment on the due dates. The card passes its "
            "check digit (Luhn, 16 to 19 digits); the holder's name and identity number are the "
            "borrower's own. Send the evidence of the borrower's consent you collected: when, "
            "from which IP address and user agent, and which version of the auto-debit "
            "agreement was shown. The payment gateway opens the agreement with the bank; if it "
            "refuses (card invalid or frozen), nothing is stored. A borrower has at most one "
            "active card: switch the old one off first (DELETE)."
        ),
        request=ex.CARD_BINDING_REQUEST,
        response=ex.CARD_BINDING,
        refusals=(
            Refusal(
                400,
                "Holder is not the borrower",
                ex.error(
                    "invalid",
                    "Some fields are not valid.",
                    {"holder_name": ["The card holder's name must be the borrower's own."]},
                ),
            ),
            Refusal(
                422,
                "Card already bound",
                ex.error(
                    "card_binding_active",
                    "Auto-debit is already on with another card; switch it off first.",
                ),
            ),
            Refusal(
                422,
                "Refused by the bank",
                ex.error("card_binding_refused", "The bank says this card is frozen."),
            ),
        ),
    ),
    ("DELETE", "/api/v1/borrowers/{borrower_id}/card-binding"): Operation(
        operation_id="card_binding_revoke",
        summary="Switch auto-debit off",
        description=(
            "End the borrower's auto-debit at once: nothing more is collected from the card. "
            "The binding stays readable as `REVOKED`. 404 if no card is active."
        ),
        response=ex.CARD_BINDING_REVOKED,
    ),
    ("POST", "/api/v1/credit-applications"): Operation(
        operation_id="credit_application_create",
        summary="Apply for a credit line",
        description=(
            "Score the borrower and decide at once: `APPROVED` with a credit limit, a grade and "
            "its annual rate; `DECLINED` with the reasons; or `REFERRED` to a credit officer, "
            "whose decision you read later with the next operation (and hear of through the "
            "`credit_application.decided` event)."
        ),
        request=ex.CREDIT_APPLICATION_REQUEST,
        response=ex.CREDIT_APPLICATION,
    ),
    ("GET", "/api/v1/credit-applications/{application_id}"): Operation(
        operation_id="credit_application_retrieve",
        summary="Read a credit application",
        description="An application and its decision, the officer's once a referral is decided.",
        response=ex.CREDIT_APPLICATION,
    ),
    ("POST", "/api/v1/loans"): Operation(
        operation_id="loan_create",
        summary="Draw a loan",
        description=(
            "Draw a loan on the borrower's approved credit line, with the evidence that the "
            "borrower accepted the contract (`contract`: the version of the text, when, from "
            "which address and device, and the name signed). Loans up to ¥20,000 are paid out "
            "at once (`ACTIVE`); larger ones wait for two officers (`PENDING_DISBURSEMENT`). "
            "Refused (422) beyond the credit line's available amount, while any loan of the "
            "borrower is past due, or when the line is frozen. A loan is drawn on the open "
            "business date: a request that meets close of business moving the date is refused "
            "(422 `draw_date_not_open`, nothing drawn) and may be sent again. Needs an "
            "`Idempotency-Key`: a retried request draws nothing twice."
        ),
        request=ex.LOAN_REQUEST,
        response=ex.LOAN,
        refusals=(
            KEY_REQUIRED,
            Refusal(
                422,
                "Over the credit line",
                ex.error(
                    "credit_limit_exceeded",
                    "¥35000.00 is more than the ¥30000.00 available on the line.",
                ),
            ),
            KEY_REUSED,
        ),
    ),
    ("GET", "/api/v1/loans"): Operation(
        operation_id="loan_list",
        summary="List loans",
        description=(
            "Your loans, newest first, filtered by status, bucket, borrower (your "
            "`external_id` or our id) and drawn or disbursed dates." + LIST_PAGING
        ),
        response=ex.LOAN,
        refusals=(
            Refusal(
                400,
                "Unknown status",
                ex.error(
                    "invalid",
                    "Some fields are not valid.",
                    {
                        "status": [
                            "Select a valid choice. OPEN is not one of the available choices."
                        ]
                    },
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/loans/{loan_id}"): Operation(
        operation_id="loan_retrieve",
        summary="Read a loan",
        description=(
            "A loan's terms and today's position: `balances` (principal outstanding, interest, "
            "fees and penalty due, advance and overpayment held), `days_past_due` and `bucket` "
            "(`CURRENT`, then `M1` from 1 day past due, `M2` from 31, `M3` from 61, `M4_PLUS` "
            "from 91)."
        ),
        response=ex.LOAN_AFTER_REPAYMENT,
    ),
    ("GET", "/api/v1/loans/{loan_id}/schedule"): Operation(
        operation_id="loan_schedule",
        summary="Read a loan's schedule",
        description=(
            "Every installment: what was scheduled, what has been charged so far (interest "
            "accrues daily; fees and penalties when due) and what has been paid, with the date "
            "it was paid in full."
        ),
        response=ex.SCHEDULE,
    ),
    ("GET", "/api/v1/loans/{loan_id}/transactions"): Operation(
        operation_id="loan_transaction_list",
        summary="List a loan's transactions",
        description=(
            "The loan's accounting history, newest first: each entry (disbursement, accrual, "
            "repayment, reversal, ...) with its lines; debits are positive, credits negative, "
            "and each entry sums to zero." + LIST_PAGING
        ),
        response=ex.TRANSACTION,
    ),
    ("GET", "/api/v1/loans/{loan_id}/payoff-quote"): Operation(
        operation_id="loan_payoff_quote",
        summary="Quote a loan's payoff",
        description=(
            "What closes the loan on `date` (default and earliest: today's business date): the "
            "principal outstanding, the interest for the days before that date not yet paid, "
            "fees and penalty due, less any advance already held. Paying `total` on that date "
            "closes the loan; there is no prepayment fee."
        ),
        response=ex.PAYOFF_QUOTE,
        refusals=(
            Refusal(
                400,
                "Date before today",
                ex.error(
                    "invalid",
                    "Some fields are not valid.",
                    {"date": ["Give a date from the business date 2026-12-01 on."]},
                ),
            ),
            Refusal(
                422,
                "Loan not active",
                ex.error("payoff_quote_refused", "Loan 8 is PAID_OFF; it has no payoff."),
            ),
        ),
    ),
    ("POST", "/api/v1/loans/{loan_id}/repayments"): Operation(
        operation_id="repayment_create",
        summary="Post a repayment",
        description=(
            "Record money you received for a loan. It pays overdue installments first, oldest "
            "first (penalty, then fees, interest and principal), then the installment due "
            "today; money left over is held as an advance and used on the next due dates. An "
            "amount that covers the payoff closes the loan, and anything beyond it is held as "
            "a refundable overpayment. `value_date` (default: today's business date) may be "
            "earlier, never later.\n\n"
            "Needs an `Idempotency-Key`: the same key and body answers the first result again. "
            "`reference` is your own id of the payment: a second repayment with a reference "
            "already posted on the loan is refused (409 `duplicate_reference`, with the id of "
            "the first repayment in `error.repayment`), whatever its Idempotency-Key."
        ),
        request=ex.REPAYMENT_REQUEST,
        response=ex.REPAYMENT,
        refusals=(
            INVALID_AMOUNT,
            KEY_REQUIRED,
            Refusal(
                409,
                "Reference already posted",
                {
                    "error": {
                        **ex.error(
                            "duplicate_reference",
                            "Repayment 13 of loan 8 already has the reference 'order-1'; "
                            "nothing was posted.",
                        )["error"],
                        "repayment": 13,
                    }
                },
            ),
            Refusal(
                422,
                "Value date in the future",
                ex.error(
                    "repayment_refused",
                    "The value date 2026-12-02 is after the business date 2026-12-01.",
                ),
            ),
        ),
    ),
    ("GET", "/api/v1/webhooks"): Operation(
        operation_id="webhook_list",
        summary="List webhook subscriptions",
        description="Your active subscriptions (without their secrets)." + LIST_PAGING,
        response=ex.WEBHOOK,
    ),
    ("POST", "/api/v1/webhooks"): Operation(
        operation_id="webhook_create",
        summary="Subscribe a URL to events",
        description=(
            "Every event of the listed types (all types when `event_types` is empty) is posted "
            "to `url` as JSON and signed with the subscription's `secret`, which this answer "
            "shows once: keep it. The partner guide explains the signature, retries and order. "
            "URLs on private or loopback networks are refused."
        ),
        request=ex.WEBHOOK_REQUEST,
        response=ex.WEBHOOK_WITH_SECRET,
    ),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): Operation(
        operation_id="webhook_delete",
        summary="Unsubscribe",
        description="Nothing more is sent to that URL; its delivery log stays readable.",
        response=None,
    ),
    ("GET", "/api/v1/webhooks/deliveries"): Operation(
        operation_id="webhook_delivery_list",
        summary="List webhook deliveries",
        description=(
            "Every event sent to each of your subscriptions, newest first, with every attempt "
            "(when, the status code your endpoint answered, the error, how long it took). "
            "Failed deliveries are retried with growing pauses for 24 hours, then `FAILED`."
            + LIST_PAGING
        ),
        response=ex.WEBHOOK_DELIVERY,
    ),
    ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/replay"): Operation(
        operation_id="webhook_delivery_replay",
        summary="Send a delivery again",
        description="Send the event again now, with a new 24-hour retry window.",
        response=ex.WEBHOOK_DELIVERY_REPLAYED,
    ),
    ("GET", "/api/v1/events"): Operation(
        operation_id="event_list",
        summary="Read the event feed",
        description=(
            "Your events in the order they happened, after the event id `after`: the same "
            "events the webhooks send, for partners who prefer to poll. Keep the last id you "
            "read and pass it as `after` next time; no event is ever skipped. Start without "
            "`after`."
        ),
        response=ex.EVENT_PAGE,
        refusals=(
            Refusal(
                400,
                "Unknown event id",
                ex.error("invalid", "Some fields are not valid.", {"after": ["No such event."]}),
            ),
        ),
    ),
}
