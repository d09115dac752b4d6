"""Revolving credit at a partner's checkout (PRODUCT §10, issue #18): the borrower's revolving
account and the partner's orders.

A partner opens the account of a borrower it registered, creates an order (its own order id
makes the call idempotent) and sends the borrower to ``confirm_url``; the borrower confirms in
the portal and the order is captured there. ``order.captured`` tells the partner.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.api.fields import id_field, money_input, money_output, rate_output
from loans.api.idempotency import idempotent
from loans.api.permissions import request_partner
from loans.api.views.common import partner_borrower
from loans.calendar.selectors import business_date_current
from loans.revolving.models import (
    InstallmentPlan,
    Order,
    OrderStatus,
    Refund,
    RevolvingAccount,
    RevolvingPayment,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.models.orders import PLAN_TERMS
from loans.revolving.selectors import plan_subsidy, revolving_account_of
from loans.revolving.services.accounts import (
    RevolvingAccountNotOpened,
    revolving_account_close,
    revolving_account_open,
)
from loans.revolving.services.confirmation import order_confirm_token
from loans.revolving.services.orders import order_create
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.refunds import order_refund


class RevolvingAccountSerializer(serializers.ModelSerializer):
    borrower = serializers.IntegerField(source="credit_line.borrower_id", read_only=True)
    product = serializers.CharField(source="product.code", read_only=True)
    daily_rate = rate_output(source="product.daily_rate")
    limit = money_output(source="credit_line.limit_amount")
    available = serializers.SerializerMethodField()
    principal = money_output(source="principal_amount")
    credit_balance = money_output(source="credit_balance_amount")

    class Meta:
        model = RevolvingAccount
        fields = [
            "id",
            "borrower",
            "product",
            "status",
            "statement_day",
            "daily_rate",
            "limit",
            "available",
            "principal",
            "credit_balance",
            "opened_date",
            "closed_date",
        ]
        read_only_fields = fields

    @extend_schema_field(money_output())
    def get_available(self, account: RevolvingAccount) -> str:
        return f"{account.credit_line.available_amount:.2f}"


class RevolvingAccountApi(APIView):
    """Read (GET) or open (POST) the borrower's revolving account on their credit line."""

    required_scopes_by_method = {"GET": ["orders:read"], "POST": ["orders:write"]}

    @extend_schema_serializer(component_name="RevolvingAccountOpenInput")
    class InputSerializer(serializers.Serializer):
        product = serializers.SlugField(max_length=32)
        statement_day = serializers.IntegerField(min_value=1, max_value=28, default=1)

    @extend_schema(
        operation_id="revolving_account_retrieve", responses={200: RevolvingAccountSerializer}
    )
    def get(self, request: Request, borrower_id: int) -> Response:
        account = revolving_account_of(borrower=partner_borrower(request, borrower_id))
        if account is None:
            raise NotFound(f"Borrower {borrower_id} has no revolving account.")
        return Response(RevolvingAccountSerializer(account).data)

    @extend_schema(
        operation_id="revolving_account_open",
        request=InputSerializer,
        responses={201: RevolvingAccountSerializer},
    )
    def post(self, request: Request, borrower_id: int) -> Response:
        return idempotent(request, required=False, perform=lambda: self._open(request, borrower_id))

    def _open(self, request: Request, borrower_id: int) -> Response:
        borrower = partner_borrower(request, borrower_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        opened = revolving_account_open(
            borrower=borrower,
            product_code=values["product"],
            statement_day=values["statement_day"],
            as_of=business_date_current(),
        )
        account = RevolvingAccount.objects.select_related("credit_line", "product").get(
            pk=opened.pk
        )
        return Response(RevolvingAccountSerializer(account).data, status=status.HTTP_201_CREATED)


class RevolvingAccountCloseApi(APIView):
    """Close the borrower's revolving account at their request (nothing owed, no credit balance,
    no order waiting); the credit line stays for cash loans."""

    required_scopes = ["orders:write"]

    @extend_schema(
        operation_id="revolving_account_close",
        request=None,
        responses={200: RevolvingAccountSerializer},
    )
    def post(self, request: Request, borrower_id: int) -> Response:
        return idempotent(
            request, required=False, perform=lambda: self._close(request, borrower_id)
        )

    def _close(self, request: Request, borrower_id: int) -> Response:
        account = revolving_account_of(borrower=partner_borrower(request, borrower_id))
        if account is None:
            raise NotFound(f"Borrower {borrower_id} has no revolving account.")
        closed = revolving_account_close(account_id=account.pk, as_of=business_date_current())
        return Response(RevolvingAccountSerializer(closed).data)


class OrderPlanSerializer(serializers.ModelSerializer):
    """The installment plan a captured order is on."""

    apr = rate_output(source="borrower_apr")
    fee_per_installment = money_output(source="fee_per_installment_amount")
    subsidy = serializers.SerializerMethodField()

    class Meta:
        model = InstallmentPlan
        fields = ["id", "term", "apr", "fee_per_installment", "fee_payer", "subsidy"]
        read_only_fields = fields

    @extend_schema_field(money_output())
    def get_subsidy(self, plan: InstallmentPlan) -> str:
        """What the partner owes for a subsidised plan: its fees, less those refunded."""
        return f"{plan_subsidy(plan):.2f}"


class OrderSerializer(serializers.ModelSerializer):
    borrower = serializers.IntegerField(source="account.credit_line.borrower_id", read_only=True)
    amount = money_output()
    refunded = money_output(source="refunded_amount")
    confirm_url = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "borrower",
            "merchant_order_id",
            "amount",
            "description",
            "status",
            "created_at",
            "expires_at",
            "captured_at",
            "captured_date",
            "refunded",
            "plan_term",
            "merchant_subsidised",
            "plan",
            "confirm_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OrderPlanSerializer(allow_null=True))
    def get_plan(self, order: Order) -> dict[str, Any] | None:
        """The installment plan, once the order is captured on one; else null."""
        plan = getattr(order, "plan", None)
        return OrderPlanSerializer(plan).data if plan is not None else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_confirm_url(self, order: Order) -> str | None:
        """Where the borrower confirms; null once the order is captured or expired."""
        if order.status != OrderStatus.CREATED:
            return None
        path = reverse("portal:order_confirm", args=[order_confirm_token(order=order)])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def _orders(request: Request) -> QuerySet[Order]:
    return Order.objects.filter(partner=request_partner(request)).select_related(
        "account__credit_line", "plan"
    )


class OrderCreateApi(APIView):
    """Create a checkout order for the borrower to confirm within the product's minutes.

    Idempotent by ``merchant_order_id``: the same order sent again returns the first (200);
    the same id with another amount or description is refused (409).
    """

    required_scopes = ["orders:write"]

    @extend_schema_serializer(component_name="OrderCreateInput")
    class InputSerializer(serializers.Serializer):
        borrower = id_field()
        merchant_order_id = serializers.CharField(max_length=64)
        amount = money_input()
        description = serializers.CharField(max_length=200)
        plan_term = serializers.ChoiceField(choices=PLAN_TERMS, required=False, allow_null=True)
        merchant_subsidised = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="order_create",
        request=InputSerializer,
        responses={201: OrderSerializer, 200: OrderSerializer},
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, required=False, perform=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        borrower = partner_borrower(request, values["borrower"])
        account = revolving_account_of(borrower=borrower)
        if account is None:
            raise RevolvingAccountNotOpened(
                f"Borrower {borrower.pk} has no revolving account: open one first."
            )
        order, created = order_create(
            partner=request_partner(request),
            account=account,
            merchant_order_id=values["merchant_order_id"],
            amount=values["amount"],
            description=values["description"],
            now=timezone.now(),
            plan_term=values.get("plan_term"),
            merchant_subsidised=values["merchant_subsidised"],
        )
        order = _orders(request).get(pk=order.pk)
        body = OrderSerializer(order, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    merchant_order_id = django_filters.CharFilter(max_length=64)

    class Meta:
        model = Order
        fields: list[str] = []


class OrderListApi(ListAPIView):
    """The partner's orders, newest first, filtered by status or the partner's order id."""

    required_scopes = ["orders:read"]
    serializer_class = OrderSerializer
    filterset_class = OrderFilter

    def get_queryset(self) -> QuerySet[Order]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Order.objects.none()
        return _orders(self.request)


class OrderDetailApi(RetrieveAPIView):
    """One of the partner's orders."""

    required_scopes = ["orders:read"]
    serializer_class = OrderSerializer
    lookup_url_kwarg = "order_id"
    queryset = Order.objects.none()  # for the schema's path parameter

    def get_object(self) -> Any:
        return _partner_order(self.request, self.kwargs["order_id"])


class OrderListCreateApi(OrderListApi):
    """``/orders``: GET is OrderListApi, POST is OrderCreateApi (one URL, two operations)."""

    required_scopes_by_method = {"GET": ["orders:read"], "POST": ["orders:write"]}
    InputSerializer = OrderCreateApi.InputSerializer
    post = OrderCreateApi.post
    _create = OrderCreateApi._create


class RefundSerializer(serializers.ModelSerializer):
    amount = money_output()

    class Meta:
        model = Refund
        fields = ["id", "order", "merchant_refund_id", "amount", "value_date", "created_at"]
        read_only_fields = fields


class OrderRefundsApi(APIView):
    """The refunds of one of the partner's orders (GET), or a new one, whole or in part (POST).

    Idempotent by ``merchant_refund_id``: the same refund sent again returns the first (200);
    the same id with another amount is refused (409). The limit comes back by what is refunded.
    """

    required_scopes_by_method = {"GET": ["orders:read"], "POST": ["orders:write"]}

    @extend_schema_serializer(component_name="OrderRefundInput")
    class InputSerializer(serializers.Serializer):
        merchant_refund_id = serializers.CharField(max_length=64)
        amount = money_input()

    @extend_schema(operation_id="order_refund_list", responses={200: RefundSerializer(many=True)})
    def get(self, request: Request, order_id: int) -> Response:
        order = _partner_order(request, order_id)
        refunds = Refund.objects.filter(order=order)
        return Response(RefundSerializer(refunds, many=True).data)

    @extend_schema(
        operation_id="order_refund_create",
        request=InputSerializer,
        responses={201: RefundSerializer, 200: RefundSerializer},
    )
    def post(self, request: Request, order_id: int) -> Response:
        return idempotent(request, required=False, perform=lambda: self._refund(request, order_id))

    def _refund(self, request: Request, order_id: int) -> Response:
        order = _partner_order(request, order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund, created = order_refund(
            order_id=order.pk,
            merchant_refund_id=data.validated_data["merchant_refund_id"],
            amount=data.validated_data["amount"],
            now=timezone.now(),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(RefundSerializer(refund).data, status=code)


def _partner_order(request: Request, order_id: int) -> Order:
    order = _orders(request).filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"Order {order_id} not found.")
    return order


class StatementSerializer(serializers.ModelSerializer):
    previous_unpaid = money_output(source="previous_unpaid_amount")
    new_purchases = money_output(source="new_revolving_principal_amount")
    revolving_principal = money_output(source="revolving_principal_amount")
    installment_principal = money_output(source="installment_principal_amount")
    fees = money_output(source="fees_amount")
    interest = money_output(source="interest_amount")
    penalty = money_output(source="penalty_amount")
    balance = money_output(source="balance_amount")
    minimum_payment = money_output(source="minimum_payment_amount")

    class Meta:
        model = Statement
        fields = [
            "id",
            "statement_date",
            "due_date",
            "pay_by_date",
            "cycle_start",
            "previous_unpaid",
            "new_purchases",
            "revolving_principal",
            "installment_principal",
            "fees",
            "interest",
            "penalty",
            "balance",
            "minimum_payment",
        ]
        read_only_fields = fields


class StatementListApi(ListAPIView):
    """The bills of the borrower's revolving account, newest first."""

    required_scopes = ["orders:read"]
    serializer_class = StatementSerializer

    def get_queryset(self) -> QuerySet[Statement]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Statement.objects.none()
        borrower = partner_borrower(self.request, self.kwargs["borrower_id"])
        return Statement.objects.filter(account__credit_line__borrower=borrower)


class RevolvingPaymentSerializer(serializers.ModelSerializer):
    amount = money_output()
    minimum_paid = money_output(source="minimum_paid_amount")
    allocation = serializers.JSONField(read_only=True)

    class Meta:
        model = RevolvingPayment
        fields = [
            "id",
            "amount",
            "value_date",
            "reference",
            "minimum_paid",
            "allocation",
            "created_at",
        ]
        read_only_fields = fields


class RevolvingPaymentCreateApi(APIView):
    """Post a payment the partner received on the borrower's revolving account.

    Allocated as PRODUCT §10 orders it, the rest to the credit balance; the same reference
    again answers the first payment.
    """

    required_scopes = ["repayments"]

    @extend_schema_serializer(component_name="RevolvingPaymentInput")
    class InputSerializer(serializers.Serializer):
        amount = money_input()
        reference = serializers.CharField(max_length=100)

    @extend_schema(
        operation_id="revolving_payment_create",
        request=InputSerializer,
        responses={201: RevolvingPaymentSerializer, 200: RevolvingPaymentSerializer},
    )
    def post(self, request: Request, borrower_id: int) -> Response:
        return idempotent(request, required=False, perform=lambda: self._pay(request, borrower_id))

    def _pay(self, request: Request, borrower_id: int) -> Response:
        account = revolving_account_of(borrower=partner_borrower(request, borrower_id))
        if account is None:
            raise NotFound(f"Borrower {borrower_id} has no revolving account.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment, created = revolving_payment_post(
            account_id=account.pk,
            amount=data.validated_data["amount"],
            channel=RevolvingPaymentChannel.PARTNER,
            reference=data.validated_data["reference"],
            now=timezone.now(),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(RevolvingPaymentSerializer(payment).data, status=code)
