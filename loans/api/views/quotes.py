from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.fields import id_field, method_field, money_input
from loans.api.idempotency import idempotent
from loans.api.views.common import partner_borrower
from loans.calendar.selectors import business_date_current
from loans.domain.quote import quote_as_dict
from loans.domain.schedule import RepaymentMethod
from loans.origination.models import LoanProduct
from loans.origination.services.drawdown import loan_quote_for
from loans.origination.services.products import product_rates
from loans.servicing.models import CreditLine


class QuoteInstallmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_date = serializers.DateField()
    principal = serializers.CharField()
    interest = serializers.CharField()
    fee = serializers.CharField()
    total = serializers.CharField()
    remaining_principal = serializers.CharField()


class QuoteSerializer(serializers.Serializer):
    """A priced loan: its rates, APR (annual percentage rate), totals and every installment."""

    principal = serializers.CharField()
    currency = serializers.CharField()
    annual_rate = serializers.CharField()
    fee_rate = serializers.CharField()
    term = serializers.IntegerField()
    method = serializers.CharField()
    start_date = serializers.DateField()
    apr = serializers.CharField()
    total_interest = serializers.CharField()
    total_fees = serializers.CharField()
    total_repayment = serializers.CharField()
    installments = QuoteInstallmentSerializer(many=True)


def _highest_rate_grade(product: LoanProduct) -> str:
    # Without a borrower's grade the quote shows the product's highest rate: an upper bound.
    rates = product_rates(product)
    return max(rates, key=lambda grade: rates[grade]) if rates else ""


class QuoteCreateApi(APIView):
    """Price a loan: schedule, totals and APR. No side effects.

    With ``borrower``, at the rate of the borrower's grade; without, at the product's highest
    rate (what any approved borrower pays at most).
    """

    required_scopes = ["quotes"]

    @extend_schema_serializer(component_name="QuoteCreateInput")
    class InputSerializer(serializers.Serializer):
        product = serializers.SlugField(max_length=32)
        principal = money_input()
        term = serializers.IntegerField(min_value=1, max_value=360)
        method = method_field()
        borrower = id_field(required=False, allow_null=True)
        start_date = serializers.DateField(required=False)

        def validate_start_date(self, value: date) -> date:
            if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                raise serializers.ValidationError("Give a date from 2000 to 2100.")
            return value

    @extend_schema(
        operation_id="quote_create",
        request=InputSerializer,
        responses={200: QuoteSerializer},
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, required=False, perform=lambda: self._quote(request))

    def _quote(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        product = LoanProduct.objects.filter(code=values["product"], is_active=True).first()
        if product is None:
            raise serializers.ValidationError({"product": ["No such product is offered."]})
        grade = _highest_rate_grade(product)
        if values.get("borrower"):
            borrower = partner_borrower(request, values["borrower"])
            line = CreditLine.objects.filter(borrower=borrower).first()
            grade = line.grade if line is not None else grade
        quote = loan_quote_for(
            product=product,
            principal=values["principal"],
            term=values["term"],
            method=RepaymentMethod(values["method"]),
            start_date=values.get("start_date") or business_date_current(),
            grade=grade,
        )
        return Response(quote_as_dict(quote), status=status.HTTP_200_OK)
