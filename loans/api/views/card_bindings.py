"""A borrower's card for auto-debit (代扣, PRODUCT §11), bound and switched off by the partner.

The partner collects the borrower's consent in its own app and sends the evidence (time, IP,
user agent, agreement version); the same services as the portal's page bind and switch off.
"""

from __future__ import annotations

from datetime import datetime

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.idempotency import idempotent
from loans.api.views.common import partner_borrower
from loans.payments.card_bindings import CardConsent, card_binding_create, card_binding_revoke
from loans.payments.models import CardBinding, CardBindingChannel
from loans.payments.selectors import card_binding_active, card_binding_latest


class CardBindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CardBinding
        fields = [
            "id",
            "borrower",
            "status",
            "card_number_masked",
            "agreement_version",
            "consent_at",
            "created_at",
            "revoked_at",
        ]
        read_only_fields = fields


class CardBindingApi(APIView):
    """Read, bind (POST) or switch off (DELETE) the borrower's auto-debit card."""

    required_scopes = ["borrowers"]

    @extend_schema_serializer(component_name="CardBindingCreateInput")
    class InputSerializer(serializers.Serializer):
        card_number = serializers.CharField(max_length=19)
        holder_name = serializers.CharField(max_length=30)
        holder_id_number = serializers.CharField(max_length=18)
        consent_at = serializers.DateTimeField()
        consent_ip = serializers.IPAddressField(required=False, allow_null=True, default=None)
        consent_user_agent = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )
        agreement_version = serializers.CharField(max_length=32)

        def validate_consent_at(self, value: datetime) -> datetime:
            if value.year < 2000:
                raise serializers.ValidationError("Give a time from 2000 on.")
            return value

    @extend_schema(operation_id="card_binding_retrieve", responses={200: CardBindingSerializer})
    def get(self, request: Request, borrower_id: int) -> Response:
        binding = card_binding_latest(borrower=partner_borrower(request, borrower_id))
        if binding is None:
            raise NotFound(f"Borrower {borrower_id} has never bound a card.")
        return Response(CardBindingSerializer(binding).data)

    @extend_schema(
        operation_id="card_binding_create",
        request=InputSerializer,
        responses={201: CardBindingSerializer},
    )
    def post(self, request: Request, borrower_id: int) -> Response:
        return idempotent(request, required=False, perform=lambda: self._bind(request, borrower_id))

    def _bind(self, request: Request, borrower_id: int) -> Response:
        borrower = partner_borrower(request, borrower_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        binding = card_binding_create(
            borrower=borrower,
            card_number=values["card_number"],
            holder_name=values["holder_name"],
            holder_id_number=values["holder_id_number"],
            consent=CardConsent(
                at=values["consent_at"],
                ip=values["consent_ip"],
                user_agent=values["consent_user_agent"],
                agreement_version=values["agreement_version"],
            ),
            channel=CardBindingChannel.PARTNER,
        )
        return Response(CardBindingSerializer(binding).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="card_binding_revoke", responses={200: CardBindingSerializer})
    def delete(self, request: Request, borrower_id: int) -> Response:
        borrower = partner_borrower(request, borrower_id)
        binding = card_binding_active(borrower=borrower)
        if binding is None:
            raise NotFound(f"Borrower {borrower_id} has no card bound for auto-debit.")
        binding = card_binding_revoke(binding=binding, channel=CardBindingChannel.PARTNER)
        return Response(CardBindingSerializer(binding).data)
