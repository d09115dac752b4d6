from django.urls import path

from loans.portal.views import (
    account,
    auto_debit,
    bill_payments,
    borrow,
    credit,
    documents,
    loans,
    orders,
    revolving,
)

app_name = "portal"

urlpatterns = [
    path("", account.dashboard, name="dashboard"),
    path("profile/", account.profile, name="profile"),
    path("credit/", credit.credit, name="credit"),
    path("borrow/", borrow.borrow, name="borrow"),
    path("borrow/quote/", borrow.borrow_quote, name="borrow_quote"),
    path("borrow/contract/", borrow.contract, name="contract"),
    path("loans/<int:loan_id>/", loans.loan_detail, name="loan"),
    path("loans/<int:loan_id>/repay/", loans.repay, name="repay"),
    path("loans/<int:loan_id>/contract.pdf", documents.contract_download, name="contract_pdf"),
    path(
        "loans/<int:loan_id>/receipts/<int:repayment_id>.pdf",
        documents.receipt_download,
        name="receipt_pdf",
    ),
    path(
        "loans/<int:loan_id>/settlement.pdf",
        documents.settlement_download,
        name="settlement_pdf",
    ),
    path("bills/<int:statement_id>.pdf", documents.bill_download, name="bill_pdf"),
    path("loans/<int:loan_id>/repay/start/", loans.repay_start, name="repay_start"),
    path("pay/<str:token>/", loans.fake_gateway, name="fake_gateway"),
    path("receipts/<str:token>/", loans.receipt, name="receipt"),
    path("notifications/", account.notifications, name="notifications"),
    path("auto-debit/", auto_debit.auto_debit, name="auto_debit"),
    path("auto-debit/off/", auto_debit.auto_debit_off, name="auto_debit_off"),
    path("orders/<str:token>/", orders.order_confirm, name="order_confirm"),
    path("bills/", revolving.bills, name="bills"),
    path("bills/installments/", revolving.bill_installment, name="bill_installment"),
    path("bills/pay/", bill_payments.bill_pay, name="bill_pay"),
    path("bills/pay/start/", bill_payments.bill_pay_start, name="bill_pay_start"),
]
