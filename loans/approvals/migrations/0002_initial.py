import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('approvals', '0001_initial'),
        ('origination', '0001_initial'),
        ('servicing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='approvalrequest',
                    name='loan',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approval_requests', to='servicing.loan'),
                ),
                migrations.AddField(
                    model_name='approvalrequest',
                    name='product',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approval_requests', to='origination.loanproduct'),
                ),
                migrations.AddField(
                    model_name='approvalrequest',
                    name='requested_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddIndex(
                    model_name='approvalrequest',
                    index=models.Index(fields=['status', 'kind'], name='approval_status_kind_idx'),
                ),
                migrations.AddConstraint(
                    model_name='approvalrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(('decided_by', models.F('requested_by')), _negated=True), _connector='OR'), name='approval_decider_is_not_requester'),
                ),
                migrations.AddConstraint(
                    model_name='approvalrequest',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'PENDING')), fields=('loan', 'kind'), name='approval_one_pending_per_loan_and_kind'),
                ),
                migrations.AddConstraint(
                    model_name='approvalrequest',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'PRODUCT_CHANGE'), ('status', 'PENDING')), fields=('product',), name='approval_one_pending_per_product'),
                ),
                migrations.AddConstraint(
                    model_name='approvalrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'PRODUCT_CHANGE'), ('product__isnull', False)), models.Q(models.Q(('kind', 'PRODUCT_CHANGE'), _negated=True), ('loan__isnull', False)), _connector='OR'), name='approval_names_its_loan_or_product'),
                ),
                migrations.AddConstraint(
                    model_name='approvalrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('decided_by__isnull', True), ('status', 'PENDING')), models.Q(models.Q(('status', 'PENDING'), _negated=True), ('decided_at__isnull', False), ('decided_by__isnull', False)), _connector='OR'), name='approval_decided_has_decider'),
                ),
            ],
            database_operations=[],
        ),
    ]
