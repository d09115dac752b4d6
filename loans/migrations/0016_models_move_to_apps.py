from django.db import migrations

# The new home of each model (app label → model names, lowercase as in django_content_type).
MOVED = {
    "calendar": ["businessdate"],
    "ledger": ["journalentry", "journalline"],
    "events": ["outboxevent", "webhooksubscription", "webhookdelivery", "webhookattempt"],
    "servicing": [
        "loan", "installment", "repayment", "creditline", "loanevent", "collectionassignment",
        "contactnote", "promisetopay", "reminder",
    ],
    "origination": ["loanproduct", "creditapplication", "payout"],
    "approvals": ["approvalrequest"],
    "reporting": ["portfolioday", "rollratesummary"],
    "payments": ["portalpayment"],
    "cob": ["cobrun", "cobchunk"],
    "api": ["idempotencyrecord"],
    "backoffice": [
        "referredapplication", "pendingdisbursement", "pendingapproval", "decidedapproval",
        "overdueloan",
    ],
}


def content_types_move(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for label, names in MOVED.items():
        content_type.objects.filter(app_label="loans", model__in=names).update(app_label=label)


def content_types_return(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for label, names in MOVED.items():
        content_type.objects.filter(app_label=label, model__in=names).update(app_label="loans")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('loans', '0015_roll_rate_summary'),
    ]

    # The models leave this app for the apps of issue #8 (loans.servicing, loans.ledger, ...),
    # keeping their tables: Django's state only. Their content types move with them, so the
    # permissions given to roles, the admin's log and the audit trail keep pointing at them.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='approvalrequest',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='approvalrequest',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='approvalrequest',
                    name='product',
                ),
                migrations.RemoveField(
                    model_name='approvalrequest',
                    name='requested_by',
                ),
                migrations.DeleteModel(
                    name='BusinessDate',
                ),
                migrations.RemoveField(
                    model_name='cobchunk',
                    name='run',
                ),
                migrations.RemoveField(
                    model_name='collectionassignment',
                    name='agent',
                ),
                migrations.RemoveField(
                    model_name='collectionassignment',
                    name='assigned_by',
                ),
                migrations.RemoveField(
                    model_name='collectionassignment',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='contactnote',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='contactnote',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='creditapplication',
                    name='borrower',
                ),
                migrations.RemoveField(
                    model_name='creditapplication',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='creditapplication',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='creditline',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='creditline',
                    name='borrower',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='credit_line',
                ),
                migrations.RemoveField(
                    model_name='idempotencyrecord',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='installment',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='reminder',
                    name='installment',
                ),
                migrations.RemoveField(
                    model_name='journalentry',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='journalentry',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='journalentry',
                    name='reverses',
                ),
                migrations.RemoveField(
                    model_name='repayment',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='journalline',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='journalline',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='borrower',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='loan',
                    name='product',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='loanevent',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='promisetopay',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='reminder',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='portalpayment',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='outboxevent',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='repayment',
                    name='loan',
                ),
                migrations.RemoveField(
                    model_name='outboxevent',
                    name='source_event',
                ),
                migrations.RemoveField(
                    model_name='outboxevent',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='event',
                ),
                migrations.RemoveField(
                    model_name='portalpayment',
                    name='repayment',
                ),
                migrations.DeleteModel(
                    name='PortfolioDay',
                ),
                migrations.RemoveField(
                    model_name='promisetopay',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='repayment',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='repayment',
                    name='replay_of',
                ),
                migrations.DeleteModel(
                    name='RollRateSummary',
                ),
                migrations.RemoveField(
                    model_name='webhookattempt',
                    name='delivery',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='subscription',
                ),
                migrations.RemoveField(
                    model_name='webhooksubscription',
                    name='partner',
                ),
                migrations.DeleteModel(
                    name='DecidedApproval',
                ),
                migrations.DeleteModel(
                    name='OverdueLoan',
                ),
                migrations.DeleteModel(
                    name='PendingApproval',
                ),
                migrations.DeleteModel(
                    name='PendingDisbursement',
                ),
                migrations.DeleteModel(
                    name='ReferredApplication',
                ),
                migrations.DeleteModel(
                    name='ApprovalRequest',
                ),
                migrations.DeleteModel(
                    name='CobChunk',
                ),
                migrations.DeleteModel(
                    name='CobRun',
                ),
                migrations.DeleteModel(
                    name='CollectionAssignment',
                ),
                migrations.DeleteModel(
                    name='ContactNote',
                ),
                migrations.DeleteModel(
                    name='CreditApplication',
                ),
                migrations.DeleteModel(
                    name='CreditLine',
                ),
                migrations.DeleteModel(
                    name='IdempotencyRecord',
                ),
                migrations.DeleteModel(
                    name='Installment',
                ),
                migrations.DeleteModel(
                    name='JournalEntry',
                ),
                migrations.DeleteModel(
                    name='JournalLine',
                ),
                migrations.DeleteModel(
                    name='LoanProduct',
                ),
                migrations.DeleteModel(
                    name='Payout',
                ),
                migrations.DeleteModel(
                    name='Reminder',
                ),
                migrations.DeleteModel(
                    name='Loan',
                ),
                migrations.DeleteModel(
                    name='LoanEvent',
                ),
                migrations.DeleteModel(
                    name='OutboxEvent',
                ),
                migrations.DeleteModel(
                    name='PortalPayment',
                ),
                migrations.DeleteModel(
                    name='PromiseToPay',
                ),
                migrations.DeleteModel(
                    name='Repayment',
                ),
                migrations.DeleteModel(
                    name='WebhookAttempt',
                ),
                migrations.DeleteModel(
                    name='WebhookDelivery',
                ),
                migrations.DeleteModel(
                    name='WebhookSubscription',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_return),
    ]
