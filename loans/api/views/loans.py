from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.fields import (
    BIGINT_MAX,
    SharedFieldsMixin,
    id_field,
    method_field,
    money_input,
    money_output,
    rate_output,
)
from loans.api.idempotency import idempotent
from loans.api.permissions import request_partner
from loans.api.selectors import API_LOAN_COLUMNS, partner_loan_read
from loans.api.views.common import partner_borrower, partner_loan
from loans.calendar.selectors import business_date_current
from loans.documents.services import contract_document_record
from loans.domain.delinquency import Bucket
from loans.domain.errors import DomainError
from loans.domain.schedule import RepaymentMethod
from loans.errors import LendingError
from loans.ledger.models import JournalEntry
from loans.origination.models import LoanProduct
from loans.origination.services.drawdown import ContractAcceptance, loan_draw
from loans.servicing.models import Installment, Loan, LoanStatus
from loans.servicing.selectors import loan_payoff_quote


class LoanBalancesSerializer(serializers.Serializer):
    principal_outstanding = money_output(source="principal_outstanding_amount")
    interest_receivable = money_output(source="interest_receivable_amount")
    fee_receivable = money_output(source="fee_receivable_amount")
    penalty_receivable = money_output(source="penalty_receivable_amount")
    advance = money_output(source="advance_amount")
    overpayment = money_output(source="overpayment_amount")


class LoanSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    product: serializers.SlugRelatedField[LoanProduct] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    principal = money_output(source="principal_amount")
    annual_rate = rate_output()
    fee_rate = rate_output()
    apr = rate_output()
    balances = LoanBalancesSerializer(source="*", read_only=True)

    class Meta:
        model = Loan
        fields = [
            "id",
            "status",
            "borrower",
            "product",
            "principal",
            "term",
            "method",
            "annual_rate",
            "fee_rate",
            "apr",
            "drawn_date",
            "disbursed_date",
            "closed_date",
            "days_past_due",
            "bucket",
            "balances",
            "contract_version",
            "accepted_at",
            "created_at",
        ]
        read_only_fields = fields


def _contract_hash(version: str) -> str:
    text = settings.LENDPORTAL_CONTRACT_TEXTS[version]
    return hashlib.sha256(text.encode()).hexdigest()


class ContractInputSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=32)
    accepted_at = serializers.DateTimeField()
    ip = serializers.IPAddressField(required=False, allow_null=True)
    user_agent = serializers.CharField(max_length=500, required=False, allow_blank=True)
    signature_name = serializers.CharField(max_length=30)

    def validate_version(self, value: str) -> str:
        if value not in settings.LENDPORTAL_CONTRACT_TEXTS:
            known = ", ".join(sorted(settings.LENDPORTAL_CONTRACT_TEXTS))
            raise serializers.ValidationError(f"Unknown contract version; known: {known}.")
        return value


class LoanCreateApi(APIView):
    """Draw a loan on the borrower's credit line, with the contract acceptance evidence.

    Disbursed at once up to the auto-disbursement threshold; above it the loan waits for two
    officers (status PENDING_DISBURSEMENT). Needs an Idempotency-Key.
    """

    required_scopes = ["loans:write"]
    idempotency_key_required = True

    @extend_schema_serializer(component_name="LoanCreateInput")
    class InputSerializer(serializers.Serializer):
        borrower = id_field()
        product = serializers.SlugField(max_length=32)
        principal = money_input()
        term = serializers.IntegerField(min_value=1, max_value=360)
        method = method_field()
        contract = ContractInputSerializer()

    @extend_schema(
        operation_id="loan_create",
        request=InputSerializer,
        responses={201: LoanSerializer},
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, required=True, perform=lambda: self._draw(request))

    def _draw(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        borrower = partner_borrower(request, values["borrower"])
        product = LoanProduct.objects.filter(code=values["product"], is_active=True).first()
        if product is None:
            raise serializers.ValidationError({"product": ["No such product is offered."]})
        contract = values["contract"]
        loan = loan_draw(
            borrower=borrower,
            product=product,
            principal=values["principal"],
            term=values["term"],
            method=RepaymentMethod(values["method"]),
            contract=ContractAcceptance(
                version=contract["version"],
                text_hash=_contract_hash(contract["version"]),
                accepted_at=contract["accepted_at"],
                signature_name=contract["signature_name"],
                ip=contract.get("ip"),
                user_agent=contract.get("user_agent", ""),
            ),
            as_of=business_date_current(),
            partner=request_partner(request),
        )
        contract_document_record(loan=loan)  # the contract PDF's SHA-256, as the portal (#19)
        loan = Loan.objects.select_related("product").get(pk=loan.pk)
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)


def partner_loans(request: Request) -> QuerySet[Loan]:
    """The caller's loans, with only what LoanSerializer shows."""
    loans = Loan.objects.filter(partner=request_partner(request))
    return loans.select_related("product").only(*API_LOAN_COLUMNS)


class LoanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LoanStatus.choices)
    bucket = django_filters.ChoiceFilter(choices=[(b.value, b.value) for b in Bucket])
    borrower = django_filters.NumberFilter(
        field_name="borrower_id", min_value=1, max_value=BIGINT_MAX
    )
    external_id = django_filters.CharFilter(field_name="borrower__external_id", max_length=64)
    drawn_date_from = django_filters.DateFilter(field_name="drawn_date", lookup_expr="gte")
    drawn_date_to = django_filters.DateFilter(field_name="drawn_date", lookup_expr="lte")
    disbursed_date_from = django_filters.DateFilter(field_name="disbursed_date", lookup_expr="gte")
    disbursed_date_to = django_filters.DateFilter(field_name="disbursed_date", lookup_expr="lte")

    class Meta:
        model = Loan
        fields: list[str] = []


class LoanListApi(ListAPIView):
    """The partner's loans, newest first, filtered by status, bucket, borrower and dates."""

    required_scopes = ["loans:read"]
    serializer_class = LoanSerializer
    filterset_class = LoanFilter

    def get_queryset(self) -> QuerySet[Loan]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Loan.objects.none()
        return partner_loans(self.request)


class LoanDetailApi(RetrieveAPIView):
    """A loan with its balances, days past due and bucket."""

    required_scopes = ["loans:read"]
    serializer_class = LoanSerializer
    lookup_url_kwarg = "loan_id"
    queryset = Loan.objects.none()  # for the schema's path parameter; get_object reads the loan

    def get_object(self) -> Loan:
        loan_id = self.kwargs[self.lookup_url_kwarg]
        loan = partner_loan_read(partner_id=request_partner(self.request).pk, loan_id=loan_id)
        if loan is None:
            raise NotFound(f"Loan {loan_id} not found.")
        self.check_object_permissions(self.request, loan)
        return loan


class InstallmentSerializer(serializers.ModelSerializer):
    principal = money_output(source="principal_amount")
    interest = money_output(source="interest_amount")
    fee = money_output(source="fee_amount")
    total = money_output(source="total_amount")
    interest_accrued = money_output(source="interest_accrued_amount")
    fee_charged = money_output(source="fee_charged_amount")
    penalty_charged = money_output(source="penalty_charged_amount")
    principal_paid = money_output(source="principal_paid_amount")
    interest_paid = money_output(source="interest_paid_amount")
    fee_paid = money_output(source="fee_paid_amount")
    penalty_paid = money_output(source="penalty_paid_amount")

    class Meta:
        model = Installment
        fields = [
            "number",
            "period_start",
            "due_date",
            "principal",
            "interest",
            "fee",
            "total",
            "interest_accrued",
            "fee_charged",
            "penalty_charged",
            "principal_paid",
            "interest_paid",
            "fee_paid",
            "penalty_paid",
            "paid_date",
        ]
        read_only_fields = fields


class ScheduleSerializer(serializers.Serializer):
    loan = serializers.IntegerField()
    installments = InstallmentSerializer(many=True)


class LoanScheduleApi(APIView):
    """The loan's schedule and what was charged and paid on each installment."""

    required_scopes = ["loans:read"]

    @extend_schema(operation_id="loan_schedule", responses={200: ScheduleSerializer})
    def get(self, request: Request, loan_id: int) -> Response:
        loan = partner_loan(request, loan_id)
        rows = Installment.objects.filter(loan=loan).order_by("number")
        return Response(ScheduleSerializer({"loan": loan.pk, "installments": rows}).data)


class JournalLineSerializer(serializers.Serializer):
    account = serializers.CharField()
    installment_number = serializers.IntegerField(allow_null=True)
    amount = money_output()


class TransactionSerializer(serializers.ModelSerializer):
    lines = JournalLineSerializer(many=True, read_only=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "entry_type", "value_date", "memo", "reverses", "posted_at", "lines"]
        read_only_fields = fields


class LoanTransactionListApi(ListAPIView):
    """The loan's ledger history: journal entries with their lines (debits positive)."""

    required_scopes = ["loans:read"]
    serializer_class = TransactionSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[JournalEntry]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return JournalEntry.objects.none()
        loan = partner_loan(self.request, self.kwargs["loan_id"])
        return JournalEntry.objects.filter(loan=loan).prefetch_related("lines")


class PayoffQuoteSerializer(serializers.Serializer):
    loan = serializers.IntegerField()
    date = serializers.DateField()
    principal = serializers.CharField()
    interest = serializers.CharField()
    fees = serializers.CharField()
    penalty = serializers.CharField()
    advance_held = serializers.CharField()
    total = serializers.CharField(help_text="What to pay on that date to close the loan.")


class LoanPayoffQuoteApi(APIView):
    """What closes the loan on a date (default: the business date), net of advances held."""

    required_scopes = ["loans:read"]

    class QuerySerializer(serializers.Serializer):
        date = serializers.DateField(required=False)

    @extend_schema(
        operation_id="loan_payoff_quote",
        parameters=[OpenApiParameter("date", date, OpenApiParameter.QUERY, required=False)],
        responses={200: PayoffQuoteSerializer},
    )
    def get(self, request: Request, loan_id: int) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        loan = partner_loan(request, loan_id)
        today = business_date_current()
        on = query.validated_data.get("date") or today
        if loan.status != LoanStatus.ACTIVE:
            raise PayoffQuoteRefused(f"Loan {loan.pk} is {loan.status}; it has no payoff.")
        if on < today or on > date(today.year + 50, 1, 1):
            raise serializers.ValidationError(
                {"date": [f"Give a date from the business date {today} on."]}
            )
        try:
            quote = loan_payoff_quote(loan=loan, as_of=on)
        except DomainError as error:
            raise PayoffQuoteRefused(str(error)) from error
        total = max(quote.total - loan.advance_amount, Decimal("0.00"))
        return Response(
            {
                "loan": loan.pk,
                "date": on.isoformat(),
                "principal": str(quote.principal),
                "interest": str(quote.interest),
                "fees": str(quote.fees),
                "penalty": str(quote.penalty),
                "advance_held": str(loan.advance_amount),
                "total": str(total),
            }
        )


class PayoffQuoteRefused(LendingError):
    code = "payoff_quote_refused"


class LoanListCreateApi(LoanListApi):
    """``/loans``: GET is LoanListApi, POST is LoanCreateApi (one URL, two operations)."""

    required_scopes_by_method = {"GET": ["loans:read"], "POST": ["loans:write"]}
    idempotency_key_required = True
    InputSerializer = LoanCreateApi.InputSerializer
    post = LoanCreateApi.post
    _draw = LoanCreateApi._draw
