from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.generics import RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Borrower, Language
from accounts.services import borrower_register
from loans.api.fields import money_input, money_output
from loans.api.idempotency import idempotent
from loans.api.permissions import request_partner
from loans.calendar.selectors import business_date_current


class BorrowerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")
    # Optional at registration: "" when none was given (the model's EmailField says "email").
    email = serializers.CharField(read_only=True)
    monthly_income = money_output(source="monthly_income_amount")
    monthly_debt_payments = money_output(source="monthly_debt_payments_amount")

    class Meta:
        model = Borrower
        fields = [
            "id",
            "external_id",
            "name",
            "id_number_masked",
            "mobile_masked",
            "email",
            "bank_card_masked",
            "monthly_income",
            "employment_months",
            "monthly_debt_payments",
            "created_at",
        ]
        read_only_fields = fields


class BorrowerCreateApi(APIView):
    """Register a borrower with identity data (PRODUCT §6); checks as the portal does."""

    required_scopes = ["borrowers"]

    @extend_schema_serializer(component_name="BorrowerCreateInput")
    class InputSerializer(serializers.Serializer):
        external_id = serializers.CharField(max_length=64, required=False, default="")
        name = serializers.CharField(max_length=30)
        id_number = serializers.CharField(max_length=18)
        mobile = serializers.CharField(max_length=11)
        email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
        # Not negative is the service's rule (accounts.services), with its own message.
        monthly_income = money_input(min_value=None)
        employment_months = serializers.IntegerField(min_value=0, max_value=1200)
        monthly_debt_payments = money_input(min_value=None)
        bank_card = serializers.CharField(max_length=19)
        language = serializers.ChoiceField(choices=Language.values, required=False)
        credit_check_consent_at = serializers.DateTimeField(required=False)
        privacy_notice_version = serializers.CharField(max_length=16, required=False)
        privacy_consent_at = serializers.DateTimeField(required=False)

    @extend_schema(
        operation_id="borrower_create",
        request=InputSerializer,
        responses={201: BorrowerSerializer},
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, required=False, perform=lambda: self._register(request))

    def _register(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        borrower = borrower_register(
            full_name=values.pop("name"),
            monthly_income_amount=values.pop("monthly_income"),
            monthly_debt_payments_amount=values.pop("monthly_debt_payments"),
            partner=request_partner(request),
            as_of=business_date_current(),
            **values,
        )
        return Response(BorrowerSerializer(borrower).data, status=status.HTTP_201_CREATED)


class BorrowerDetailApi(RetrieveAPIView):
    """A borrower the partner registered (masked identity)."""

    required_scopes = ["borrowers"]
    serializer_class = BorrowerSerializer
    lookup_url_kwarg = "borrower_id"

    def get_queryset(self) -> QuerySet[Borrower]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Borrower.objects.none()
        return Borrower.objects.filter(partner=request_partner(self.request))
