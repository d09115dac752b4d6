from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.fields import SharedFieldsMixin, money_input, money_output
from loans.api.idempotency import idempotent
from loans.api.permissions import request_partner
from loans.servicing.models import Loan, Repayment
from loans.servicing.services.repayments import partner_repayment_post


class RepaymentSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    amount = money_output()
    advance = money_output(source="advance_amount")
    overpayment = money_output(source="overpayment_amount")
    prepaid_principal = money_output(source="prepaid_principal_amount")
    allocation = serializers.JSONField(read_only=True)

    class Meta:
        model = Repayment
        fields = [
            "id",
            "loan",
            "status",
            "amount",
            "value_date",
            "reference",
            "allocation",
            "advance",
            "overpayment",
            "prepaid_principal",
            "created_at",
        ]
        read_only_fields = fields


class RepaymentCreateApi(APIView):
    """Post a repayment received by the partner; allocated by the loan's rules (PRODUCT §2.5).

    Needs an Idempotency-Key: a retried request posts nothing twice.
    """

    required_scopes = ["repayments"]
    idempotency_key_required = True

    @extend_schema_serializer(component_name="RepaymentCreateInput")
    class InputSerializer(serializers.Serializer):
        amount = money_input()
        value_date = serializers.DateField(required=False)
        reference = serializers.CharField(max_length=100, required=False, allow_blank=True)

        def validate_value_date(self, value: date) -> date:
            if value < date(2000, 1, 1):
                raise serializers.ValidationError("Give a date from 2000 on.")
            return value

    @extend_schema(
        operation_id="repayment_create",
        request=InputSerializer,
        responses={201: RepaymentSerializer},
    )
    def post(self, request: Request, loan_id: int) -> Response:
        return idempotent(request, required=True, perform=lambda: self._post(request, loan_id))

    def _post(self, request: Request, loan_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            repayment = partner_repayment_post(
                partner_id=request_partner(request).pk,
                loan_id=loan_id,
                amount=values["amount"],
                value_date=values.get("value_date"),
                reference=values.get("reference", ""),
            )
        except Loan.DoesNotExist:
            raise NotFound(f"Loan {loan_id} not found.") from None
        return Response(RepaymentSerializer(repayment).data, status=status.HTTP_201_CREATED)
