from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.generics import RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.fields import id_field, money_output, rate_output
from loans.api.idempotency import idempotent
from loans.api.permissions import request_partner
from loans.api.views.common import partner_borrower
from loans.calendar.selectors import business_date_current
from loans.origination.models import CreditApplication
from loans.origination.services.credit import credit_application_submit


class CreditApplicationSerializer(serializers.ModelSerializer):
    credit_limit = money_output(source="credit_limit_amount")
    annual_rate = rate_output(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CreditApplication
        fields = [
            "id",
            "borrower",
            "status",
            "credit_limit",
            "grade",
            "annual_rate",
            "reasons",
            "applied_date",
            "decided_at",
        ]
        read_only_fields = fields


class CreditApplicationCreateApi(APIView):
    """Apply for a credit line; the scorecard decides at once or refers to an officer."""

    required_scopes = ["credit"]

    @extend_schema_serializer(component_name="CreditApplicationCreateInput")
    class InputSerializer(serializers.Serializer):
        borrower = id_field()

    @extend_schema(
        operation_id="credit_application_create",
        request=InputSerializer,
        responses={201: CreditApplicationSerializer},
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, required=False, perform=lambda: self._apply(request))

    def _apply(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        borrower = partner_borrower(request, data.validated_data["borrower"])
        application = credit_application_submit(
            borrower=borrower, as_of=business_date_current(), partner=request_partner(request)
        )
        return Response(
            CreditApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )


class CreditApplicationDetailApi(RetrieveAPIView):
    """An application and its decision."""

    required_scopes = ["credit"]
    serializer_class = CreditApplicationSerializer
    lookup_url_kwarg = "application_id"

    def get_queryset(self) -> QuerySet[CreditApplication]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return CreditApplication.objects.none()
        return CreditApplication.objects.filter(borrower__partner=request_partner(self.request))
