"""The webhooks a partner receives, described in the OpenAPI schema.

The schema is OpenAPI 3.0, which has no ``webhooks`` object (3.1 added it), so
``webhooks_as_extension`` moves them under ``x-webhooks``, the extension ReDoc reads for 3.0.
Each event is the body LendPortal POSTs (``loans.events.services.webhooks.event_as_dict``):
``{"id", "type", "created_at", "data"}``, with ``data`` as the service or the close of business
writes it; ``EVENTS`` lists every ``WebhookEventType`` (a test holds them equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from loans.api.fields import MoneyField
from loans.events.models import WebhookEventType

_HEADERS = (
    "Sent as `POST` to each subscription whose event types include it, signed with the "
    "subscription's secret (`webhook-id`, `webhook-timestamp`, `webhook-signature`: the "
    "Standard Webhooks scheme; see the partner guide). At least once: dedupe on `id`. "
    "Answer any 2xx within 10 seconds; anything else is retried for 24 hours."
)


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text)


def _money(help_text: str) -> MoneyField:
    return MoneyField(help_text=help_text, min_value=None)


def _date(help_text: str) -> serializers.DateField:
    return serializers.DateField(help_text=help_text)


@dataclass(frozen=True)
class Event:
    type: WebhookEventType
    summary: str
    description: str
    data: dict[str, serializers.Field]
    example: dict[str, Any]


_BUSINESS_DATE = "The business date whose close of business found it."
EVENTS = [
    Event(
        WebhookEventType.CREDIT_APPLICATION_DECIDED,
        "A credit application was decided",
        "Approved (a credit line is open) or declined; a referred application sends this when an "
        "officer decides it.",
        {
            "credit_application": _id("The application's id."),
            "borrower": _id("The borrower's id."),
            "status": serializers.CharField(help_text="`APPROVED` or `DECLINED`."),
            "credit_limit": _money("The line's limit; 0.00 when declined."),
            "grade": serializers.CharField(help_text="The risk grade, A-E."),
            "annual_rate": serializers.DecimalField(
                max_digits=9,
                decimal_places=6,
                allow_null=True,
                help_text="The line's annual rate as a fraction; null when declined.",
            ),
            "reasons": serializers.ListField(
                child=serializers.CharField(), help_text="Decision reason codes."
            ),
        },
        {
            "credit_application": 311,
            "borrower": 1204,
            "status": "APPROVED",
            "credit_limit": "20000.00",
            "grade": "B",
            "annual_rate": "0.108000",
            "reasons": [],
        },
    ),
    Event(
        WebhookEventType.LOAN_DISBURSED,
        "A loan was drawn and its payout sent",
        "The loan is active from `disbursed_date`; the payout to the borrower's bank account is "
        "on its way (`loan.payout_failed` follows if the bank refuses it).",
        {
            "loan": _id("The loan's id."),
            "borrower": _id("The borrower's id."),
            "principal": _money("The amount drawn."),
            "disbursed_date": _date("The value date of the drawdown."),
        },
        {"loan": 5012, "borrower": 1204, "principal": "3000.00", "disbursed_date": "2026-12-07"},
    ),
    Event(
        WebhookEventType.LOAN_PAYOUT_FAILED,
        "A payout failed and its loan was cancelled",
        "The bank refused the payout: the loan is cancelled as if never drawn (no interest, "
        "nothing owed, the limit restored).",
        {
            "loan": _id("The cancelled loan."),
            "principal": _money("The payout's amount."),
            "reason": serializers.CharField(help_text="The gateway's failure code."),
            "cancelled_date": _date("The business date of the cancellation."),
        },
        {
            "loan": 5012,
            "principal": "3000.00",
            "reason": "ACCOUNT_CLOSED",
            "cancelled_date": "2026-12-08",
        },
    ),
    *[
        Event(
            kind,
            summary,
            description,
            {
                "repayment": _id("The repayment's id."),
                "loan": _id("The loan's id."),
                "amount": _money("The repayment's amount."),
                "value_date": _date("The date the money counts from."),
                "reference": serializers.CharField(help_text="Your reference, or empty."),
                "status": serializers.CharField(help_text="`POSTED` or `REVERSED`."),
            },
            {
                "repayment": 88410,
                "loan": 5012,
                "amount": "916.80",
                "value_date": "2027-01-07",
                "reference": "PAY-20270107-0042",
                "status": status,
            },
        )
        for kind, summary, description, status in (
            (
                WebhookEventType.REPAYMENT_POSTED,
                "A repayment was posted",
                "From any channel: yours, the borrower's portal, auto-debit or the back office.",
                "POSTED",
            ),
            (
                WebhookEventType.REPAYMENT_REVERSED,
                "A repayment was reversed",
                "Staff reversed it (for example a payment that bounced); the loan is restated as "
                "if it had never been made.",
                "REVERSED",
            ),
        )
    ],
    Event(
        WebhookEventType.INSTALLMENT_OVERDUE,
        "An installment became overdue",
        "Sent by the close of business of the day after the installment's last day to pay.",
        {
            "loan": _id("The loan's id."),
            "business_date": _date(_BUSINESS_DATE),
            "installment": _id("The installment's number, from 1."),
            "due_date": _date("The installment's due date."),
        },
        {"loan": 5012, "business_date": "2027-01-08", "installment": 1, "due_date": "2027-01-07"},
    ),
    Event(
        WebhookEventType.LOAN_BUCKET_CHANGED,
        "A loan moved to another delinquency bucket",
        "`restated` is true when a back-dated repayment or reversal changed it outside the "
        "close of business.",
        {
            "loan": _id("The loan's id."),
            "business_date": _date(_BUSINESS_DATE),
            "from": serializers.CharField(help_text="`CURRENT`, `M1`, `M2`, `M3` or `M4_PLUS`."),
            "to": serializers.CharField(help_text="The new bucket."),
            "days_past_due": serializers.IntegerField(help_text="Days past due now."),
            "restated": serializers.BooleanField(required=False, help_text="Present when true."),
        },
        {
            "loan": 5012,
            "business_date": "2027-01-08",
            "from": "CURRENT",
            "to": "M1",
            "days_past_due": 1,
        },
    ),
    Event(
        WebhookEventType.LOAN_PAID_OFF,
        "A loan was paid off",
        "By a repayment (`repayment` given) or by the close of business applying money paid in "
        "advance (`business_date` given).",
        {
            "loan": _id("The loan's id."),
            "repayment": serializers.IntegerField(
                required=False, help_text="The repayment that paid it off."
            ),
            "business_date": serializers.DateField(required=False, help_text=_BUSINESS_DATE),
        },
        {"loan": 5012, "repayment": 88417},
    ),
    Event(
        WebhookEventType.LOAN_WRITTEN_OFF,
        "A loan was written off",
        "Collections stopped expecting it to be paid; recoveries are still posted as repayments.",
        {
            "loan": _id("The loan's id."),
            "principal_written_off": _money("The principal written off."),
            "date": _date("The business date of the write-off."),
        },
        {"loan": 5012, "principal_written_off": "2750.00", "date": "2027-07-10"},
    ),
    Event(
        WebhookEventType.ORDER_CAPTURED,
        "A checkout order was captured",
        "The borrower confirmed it: the amount has left their available limit and is owed to you.",
        {
            "order_id": _id("The order's id."),
            "merchant_order_id": serializers.CharField(help_text="Your order id."),
            "amount": _money("The order's amount."),
            "captured_date": _date("The business date of the capture."),
        },
        {
            "order_id": 7731,
            "merchant_order_id": "SO-2026-000123",
            "amount": "1299.00",
            "captured_date": "2026-12-07",
        },
    ),
    Event(
        WebhookEventType.ORDER_REFUNDED,
        "A checkout order was refunded, in whole or in part",
        "`refunded` is the order's total refunded so far, this refund included.",
        {
            "order_id": _id("The order's id."),
            "merchant_order_id": serializers.CharField(help_text="Your order id."),
            "refund_id": _id("The refund's id."),
            "merchant_refund_id": serializers.CharField(help_text="Your refund id."),
            "amount": _money("This refund's amount."),
            "refunded": _money("The order's total refunded so far."),
        },
        {
            "order_id": 7731,
            "merchant_order_id": "SO-2026-000123",
            "refund_id": 402,
            "merchant_refund_id": "RF-000045",
            "amount": "300.00",
            "refunded": "300.00",
        },
    ),
    Event(
        WebhookEventType.STATEMENT_ISSUED,
        "A revolving account's monthly bill was issued",
        "Cut by the close of business of the statement date; paid in full by `pay_by_date`, the "
        "bill bears no interest.",
        {
            "account": _id("The revolving account's id."),
            "borrower": _id("The borrower's id."),
            "statement_date": _date("The statement date."),
            "due_date": _date("The due date."),
            "pay_by_date": _date("The due date, or the next working day when it is not one."),
            "balance": _money("The statement balance."),
            "minimum_payment": _money("The minimum payment."),
        },
        {
            "account": 931,
            "borrower": 1204,
            "statement_date": "2027-01-01",
            "due_date": "2027-01-10",
            "pay_by_date": "2027-01-11",
            "balance": "1299.00",
            "minimum_payment": "129.90",
        },
    ),
    Event(
        WebhookEventType.ACCOUNT_OVERDUE,
        "A revolving account became past due",
        "On the account's first day past due: the minimum payment was not paid by its pay-by date.",
        {
            "account": _id("The revolving account's id."),
            "borrower": _id("The borrower's id."),
            "business_date": _date(_BUSINESS_DATE),
            "days_past_due": serializers.IntegerField(help_text="Days past due, from 1."),
            "overdue_minimum": _money("The unpaid minimum payment."),
        },
        {
            "account": 931,
            "borrower": 1204,
            "business_date": "2027-01-12",
            "days_past_due": 1,
            "overdue_minimum": "129.90",
        },
    ),
]


def _camel(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.replace(".", "_").split("_"))


def _body_serializer(event: Event) -> type[serializers.Serializer]:
    name = _camel(event.type)
    data = type(f"{name}Data", (serializers.Serializer,), dict(event.data))
    return type(
        f"{name}Event",
        (serializers.Serializer,),
        {
            "id": _id("The event's id: the same on every retry and in the event feed."),
            "type": serializers.ChoiceField(choices=[event.type.value]),
            "created_at": serializers.DateTimeField(help_text="When the event was written."),
            "data": data(),
        },
    )


def _webhook(event: Event) -> OpenApiWebhook:
    return OpenApiWebhook(
        name=event.type.value,
        decorator=extend_schema(
            summary=event.summary,
            description=f"{event.description}\n\n{_HEADERS}",
            tags=["Webhooks"],
            request=_body_serializer(event),
            responses={"2XX": OpenApiResponse(description="Received.")},
            examples=[
                OpenApiExample(
                    event.type.value,
                    value={
                        "id": 1842,
                        "type": event.type.value,
                        "created_at": "2026-12-07T10:15:02.123456+08:00",
                        "data": event.example,
                    },
                )
            ],
        ),
    )


WEBHOOKS = [_webhook(event) for event in EVENTS]


def webhooks_as_extension(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Move ``webhooks`` (an OpenAPI 3.1 object) under ``x-webhooks`` in a 3.0 schema."""
    if result.get("openapi", "").startswith("3.0") and "webhooks" in result:
        result["x-webhooks"] = result.pop("webhooks")
    return result
