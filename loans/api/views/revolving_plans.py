"""Installment plans of a borrower's revolving account (PRODUCT §10, issue #18): the quote of a
bill installment (账单分期) with its APR, the bill installment itself, and the account's plans.

A bill can be turned into 3, 6, 9 or 12 installments from the day after its statement date
through its due date, ¥100 up to its unpaid revolving principal; the fee per installment is the
product's fee table (0.83%, 0.75%, 0.72%, 0.73% of the amount). Idempotent by ``reference``
(and by the ``Idempotency-Key`` header like every write).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.errors import ApiError
from loans.api.fields import money_input, money_output, rate_output
from loans.api.idempotency import idempotent
from loans.api.views.common import partner_borrower
from loans.revolving.models import InstallmentPlan, PlanInstallment, RevolvingAccount, Statement
from loans.revolving.models.orders import PLAN_TERMS
from loans.revolving.selectors import revolving_account_of
from loans.revolving.services.installments import (
    BillInstallmentConflict,
    bill_installment_create,
    bill_installment_quote,
)

TERMS = PLAN_TERMS  # 3, 6, 9 or 12 months, as at checkout


def _account(request: Request, borrower_id: int) -> RevolvingAccount:
    account = revolving_account_of(borrower=partner_borrower(request, borrower_id))
    if account is None:
        raise NotFound(f"Borrower {borrower_id} has no revolving account.")
    return account


class PlanInstallmentSerializer(serializers.ModelSerializer):
    principal = money_output(source="principal_amount")
    fee = money_output(source="fee_amount")
    billed = serializers.SerializerMethodField()

    class Meta:
        model = PlanInstallment
        fields = ["number", "statement_date", "principal", "fee", "billed"]
        read_only_fields = fields

    def get_billed(self, row: PlanInstallment) -> bool:
        """Whether a bill has taken it."""
        return row.statement_id is not None


class InstallmentPlanSerializer(serializers.ModelSerializer):
    amount = money_output()
    apr = rate_output(source="borrower_apr")
    fee_rate = rate_output()
    fee_per_installment = money_output(source="fee_per_installment_amount")
    statement_date = serializers.DateField(
        source="statement.statement_date", read_only=True, allow_null=True
    )
    order = serializers.IntegerField(source="order_id", read_only=True, allow_null=True)
    installments = PlanInstallmentSerializer(many=True, read_only=True)

    class Meta:
        model = InstallmentPlan
        fields = [
            "id",
            "kind",
            "statement_date",
            "order",
            "amount",
            "term",
            "apr",
            "fee_rate",
            "fee_per_installment",
            "fee_payer",
            "reference",
            "value_date",
            "installments",
        ]
        read_only_fields = fields


class QuoteRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    statement_date = serializers.DateField()
    principal = money_output()
    fee = money_output()


class PlanQuoteSerializer(serializers.Serializer):
    amount = money_output()
    term = serializers.IntegerField()
    apr = rate_output(source="borrower_apr")
    fee_per_installment = money_output()
    fees = money_output(source="borrower_fees")
    total = money_output()
    installments = QuoteRowSerializer(many=True, source="rows")


def _statement(account: RevolvingAccount, statement_date: Any) -> Statement:
    statement = (
        Statement.objects.select_related("account__product")
        .filter(account=account, statement_date=statement_date)
        .first()
    )
    if statement is None:
        raise NotFound(f"There is no bill of {statement_date}.")
    return statement


class BillInstallmentQuoteApi(APIView):
    """What turning ``amount`` of a bill into ``term`` installments would cost: the APR (shown
    before the borrower confirms, checked against the cap), the fee and each installment."""

    required_scopes = ["orders:read"]

    class QuerySerializer(serializers.Serializer):
        statement_date = serializers.DateField()
        amount = money_input()
        term = serializers.ChoiceField(choices=TERMS)

    @extend_schema(
        operation_id="bill_installment_quote",
        parameters=[
            OpenApiParameter("statement_date", str, description="The bill's date, YYYY-MM-DD"),
            OpenApiParameter("amount", str, description="CNY, e.g. 6000.00"),
            OpenApiParameter("term", int, enum=list(TERMS)),
        ],
        responses={200: PlanQuoteSerializer},
    )
    def get(self, request: Request, borrower_id: int) -> Response:
        account = _account(request, borrower_id)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        quote = bill_installment_quote(
            statement=_statement(account, values["statement_date"]),
            amount=values["amount"],
            term=int(values["term"]),
        )
        return Response(PlanQuoteSerializer(quote).data)


class BillInstallmentCreateApi(APIView):
    """Turn all or part of a bill into installments (账单分期) for the borrower.

    The amount leaves the bill and its minimum; installment k (principal + fee) goes on the
    k-th bill after it and bears no revolving interest. The same ``reference`` again answers
    the first plan (200); another plan under it is refused (409).
    """

    required_scopes = ["orders:write"]

    @extend_schema_serializer(component_name="BillInstallmentInput")
    class InputSerializer(serializers.Serializer):
        statement_date = serializers.DateField()
        amount = money_input()
        term = serializers.ChoiceField(choices=TERMS)
        reference = serializers.CharField(max_length=100)

    @extend_schema(
        operation_id="bill_installment_create",
        request=InputSerializer,
        responses={201: InstallmentPlanSerializer, 200: InstallmentPlanSerializer},
    )
    def post(self, request: Request, borrower_id: int) -> Response:
        return idempotent(
            request, required=False, perform=lambda: self._convert(request, borrower_id)
        )

    def _convert(self, request: Request, borrower_id: int) -> Response:
        account = _account(request, borrower_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            plan, created = bill_installment_create(
                account_id=account.pk,
                statement_date=values["statement_date"],
                amount=values["amount"],
                term=int(values["term"]),
                reference=values["reference"],
                now=timezone.now(),
            )
        except BillInstallmentConflict as exc:
            raise ApiError(status_code=409, code=exc.code, message=str(exc)) from exc
        body = InstallmentPlanSerializer(_plans().get(pk=plan.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _plans() -> QuerySet[InstallmentPlan]:
    return InstallmentPlan.objects.select_related("statement").prefetch_related("installments")


class InstallmentPlanListApi(ListAPIView):
    """The plans of the borrower's revolving account, newest first, with their installments."""

    required_scopes = ["orders:read"]
    serializer_class = InstallmentPlanSerializer

    def get_queryset(self) -> QuerySet[InstallmentPlan]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return InstallmentPlan.objects.none()
        borrower = partner_borrower(self.request, self.kwargs["borrower_id"])
        return _plans().filter(account__credit_line__borrower=borrower)
