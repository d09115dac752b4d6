"""The credit balance of a borrower's revolving account, refunded on request (PRODUCT §10,
issue #18): a payment above what was owed, or a refund of a billed purchase beyond it, leaves a
credit the next purchase or bill uses; the partner may pay it back to the borrower instead.
Idempotent by ``reference`` (and by the ``Idempotency-Key`` header like every write).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.errors import ApiError
from loans.api.fields import money_input, money_output
from loans.api.idempotency import idempotent
from loans.api.views.common import partner_borrower
from loans.revolving.models import CreditRefund
from loans.revolving.selectors import revolving_account_of
from loans.revolving.services.payments import CreditRefundDuplicate, credit_balance_refund


class CreditRefundSerializer(serializers.ModelSerializer):
    amount = money_output()

    class Meta:
        model = CreditRefund
        fields = ["id", "amount", "reference", "value_date", "created_at"]
        read_only_fields = fields


class CreditRefundCreateApi(APIView):
    """Pay back all or part of the account's credit balance to the borrower."""

    required_scopes = ["repayments"]

    @extend_schema_serializer(component_name="CreditRefundInput")
    class InputSerializer(serializers.Serializer):
        amount = money_input()
        reference = serializers.CharField(max_length=100)

    @extend_schema(
        operation_id="credit_refund_create",
        request=InputSerializer,
        responses={201: CreditRefundSerializer, 200: CreditRefundSerializer},
    )
    def post(self, request: Request, borrower_id: int) -> Response:
        return idempotent(
            request, required=False, perform=lambda: self._refund(request, borrower_id)
        )

    def _refund(self, request: Request, borrower_id: int) -> Response:
        account = revolving_account_of(borrower=partner_borrower(request, borrower_id))
        if account is None:
            raise NotFound(f"Borrower {borrower_id} has no revolving account.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            refund, created = credit_balance_refund(
                account_id=account.pk,
                amount=data.validated_data["amount"],
                reference=data.validated_data["reference"],
                now=timezone.now(),
            )
        except CreditRefundDuplicate as exc:
            raise ApiError(status_code=409, code=exc.code, message=str(exc)) from exc
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(CreditRefundSerializer(refund).data, status=code)
