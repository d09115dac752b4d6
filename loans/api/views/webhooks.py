from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.idempotency import idempotent
from loans.api.permissions import request_partner
from loans.events.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from loans.events.services.webhooks import (
    HTTPS_REQUIRED,
    webhook_delivery_replay,
    webhook_secret,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_url_scheme_allowed,
)


class WebhookSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "is_active", "created_at"]
        read_only_fields = fields


class WebhookWithSecretSerializer(WebhookSerializer):
    """The answer that creates a subscription: the only one that shows its secret."""

    secret = serializers.SerializerMethodField(
        help_text="whsec_ and the base64 of 24 random bytes: it signs every delivery "
        "(Standard Webhooks). Shown only here; store it."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, subscription: WebhookSubscription) -> str:
        return webhook_secret(subscription=subscription)


class WebhookListCreateApi(ListAPIView):
    """GET: the partner's active subscriptions. POST: subscribe an https:// URL (the secret is
    shown once, in the answer; it signs every delivery)."""

    required_scopes = ["webhooks"]
    serializer_class = WebhookSerializer
    filter_backends: list[type] = []

    @extend_schema_serializer(component_name="WebhookCreateInput")
    class InputSerializer(serializers.Serializer):
        url = serializers.URLField(max_length=500)
        event_types = serializers.ListField(
            child=serializers.ChoiceField(choices=WebhookEventType.values),
            required=False,
            default=list,
            max_length=len(WebhookEventType.values),
        )

        def validate_url(self, value: str) -> str:
            if not webhook_url_scheme_allowed(value):
                raise serializers.ValidationError(gettext(HTTPS_REQUIRED))
            return value

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return WebhookSubscription.objects.none()
        return WebhookSubscription.objects.filter(
            partner=request_partner(self.request), is_active=True
        )

    @extend_schema(
        operation_id="webhook_create",
        request=InputSerializer,
        responses={201: WebhookWithSecretSerializer},
    )
    def post(self, request: Request) -> Response:
        response = idempotent(request, required=False, perform=lambda: self._create(request))
        if response.status_code != status.HTTP_201_CREATED:
            return response
        # The secret is added after the idempotency record is written, so the record keeps no
        # copy of it; a replay of this very request shows it again, from the subscription.
        subscription = WebhookSubscription.objects.get(
            partner=request_partner(request), pk=response.data["id"]
        )
        response.data = WebhookWithSecretSerializer(subscription).data
        return response

    def _create(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = webhook_subscription_create(
            partner=request_partner(request),
            url=data.validated_data["url"],
            event_types=list(data.validated_data["event_types"]),
        )
        return Response(WebhookSerializer(subscription).data, status=status.HTTP_201_CREATED)


class WebhookDeleteApi(APIView):
    """Unsubscribe: nothing more is sent there; the delivery log stays readable."""

    required_scopes = ["webhooks"]

    @extend_schema(operation_id="webhook_delete", responses={204: None})
    def delete(self, request: Request, webhook_id: int) -> Response:
        subscription = WebhookSubscription.objects.filter(
            partner=request_partner(request), pk=webhook_id, is_active=True
        ).first()
        if subscription is None:
            raise NotFound(f"Webhook {webhook_id} not found.")
        webhook_subscription_delete(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "status_code", "error", "duration_ms", "succeeded"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook = serializers.IntegerField(source="subscription_id", read_only=True)
    event_type = serializers.CharField(source="event.event_type", read_only=True)
    attempts = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_type",
            "webhook",
            "loan",
            "status",
            "attempt_count",
            "next_attempt_at",
            "deadline_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "attempts",
        ]
        read_only_fields = fields


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    webhook = django_filters.NumberFilter(
        field_name="subscription_id", min_value=1, max_value=2**63 - 1
    )
    event = django_filters.NumberFilter(field_name="event_id", min_value=1, max_value=2**63 - 1)

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []


def _deliveries(request: Request) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription__partner=request_partner(request))


class WebhookDeliveryListApi(ListAPIView):
    """The delivery log: every event sent to every subscription, with each attempt."""

    required_scopes = ["webhooks"]
    serializer_class = WebhookDeliverySerializer
    filterset_class = DeliveryFilter

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return WebhookDelivery.objects.none()
        return _deliveries(self.request).select_related("event").prefetch_related("attempts")


class WebhookDeliveryReplayApi(APIView):
    """Send a delivery again now (with a new 24-hour retry window)."""

    required_scopes = ["webhooks"]

    @extend_schema(
        operation_id="webhook_delivery_replay",
        request=None,
        responses={202: WebhookDeliverySerializer},
    )
    def post(self, request: Request, delivery_id: int) -> Response:
        return idempotent(
            request, required=False, perform=lambda: self._replay(request, delivery_id)
        )

    def _replay(self, request: Request, delivery_id: int) -> Response:
        delivery = _deliveries(request).filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(f"Delivery {delivery_id} not found.")
        delivery = webhook_delivery_replay(delivery=delivery, now=timezone.now())
        delivery = (
            WebhookDelivery.objects.select_related("event")
            .prefetch_related("attempts")
            .get(pk=delivery.pk)
        )
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
