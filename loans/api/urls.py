"""Routes of the partner API v1 (PRODUCT §7)."""

from django.urls import path

from loans.api.views import (
    borrowers,
    card_bindings,
    credit,
    events,
    gateway_callbacks,
    loans,
    orders,
    quotes,
    repayments,
    revolving_credit,
    revolving_plans,
    webhooks,
)

app_name = "api"

urlpatterns = [
    path("quotes", quotes.QuoteCreateApi.as_view(), name="quote-create"),
    path("borrowers", borrowers.BorrowerCreateApi.as_view(), name="borrower-create"),
    path(
        "borrowers/<int:borrower_id>",
        borrowers.BorrowerDetailApi.as_view(),
        name="borrower-detail",
    ),
    path(
        "borrowers/<int:borrower_id>/card-binding",
        card_bindings.CardBindingApi.as_view(),
        name="borrower-card-binding",
    ),
    path(
        "credit-applications",
        credit.CreditApplicationCreateApi.as_view(),
        name="credit-application-create",
    ),
    path(
        "credit-applications/<int:application_id>",
        credit.CreditApplicationDetailApi.as_view(),
        name="credit-application-detail",
    ),
    path("loans", loans.LoanListCreateApi.as_view(), name="loan-list"),
    path("loans/<int:loan_id>", loans.LoanDetailApi.as_view(), name="loan-detail"),
    path("loans/<int:loan_id>/schedule", loans.LoanScheduleApi.as_view(), name="loan-schedule"),
    path(
        "loans/<int:loan_id>/transactions",
        loans.LoanTransactionListApi.as_view(),
        name="loan-transactions",
    ),
    path(
        "loans/<int:loan_id>/payoff-quote",
        loans.LoanPayoffQuoteApi.as_view(),
        name="loan-payoff-quote",
    ),
    path(
        "loans/<int:loan_id>/repayments",
        repayments.RepaymentCreateApi.as_view(),
        name="repayment-create",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account",
        orders.RevolvingAccountApi.as_view(),
        name="borrower-revolving-account",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/close",
        orders.RevolvingAccountCloseApi.as_view(),
        name="borrower-revolving-account-close",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/statements",
        orders.StatementListApi.as_view(),
        name="borrower-statements",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/payments",
        orders.RevolvingPaymentCreateApi.as_view(),
        name="borrower-revolving-payment",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/bill-installments",
        revolving_plans.BillInstallmentCreateApi.as_view(),
        name="borrower-bill-installments",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/bill-installments/quote",
        revolving_plans.BillInstallmentQuoteApi.as_view(),
        name="borrower-bill-installment-quote",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/credit-refunds",
        revolving_credit.CreditRefundCreateApi.as_view(),
        name="borrower-credit-refunds",
    ),
    path(
        "borrowers/<int:borrower_id>/revolving-account/plans",
        revolving_plans.InstallmentPlanListApi.as_view(),
        name="borrower-plans",
    ),
    path("orders", orders.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/<int:order_id>", orders.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:order_id>/refunds", orders.OrderRefundsApi.as_view(), name="order-refunds"),
    path("webhooks", webhooks.WebhookListCreateApi.as_view(), name="webhook-list"),
    path("webhooks/<int:webhook_id>", webhooks.WebhookDeleteApi.as_view(), name="webhook-delete"),
    path(
        "webhooks/deliveries",
        webhooks.WebhookDeliveryListApi.as_view(),
        name="webhook-delivery-list",
    ),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay",
        webhooks.WebhookDeliveryReplayApi.as_view(),
        name="webhook-delivery-replay",
    ),
    path("events", events.EventListApi.as_view(), name="event-list"),
    path(
        "gateway/callbacks",
        gateway_callbacks.GatewayCallbackApi.as_view(),
        name="gateway-callback",
    ),
]
