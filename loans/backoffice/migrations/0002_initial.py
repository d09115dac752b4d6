from django.db import migrations


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('approvals', '0002_initial'),
        ('backoffice', '0001_initial'),
        ('origination', '0001_initial'),
        ('servicing', '0001_initial'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OverdueLoan',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'overdue loan',
                        'verbose_name_plural': 'collections worklist',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('servicing.loan',),
                ),
                migrations.CreateModel(
                    name='PendingApproval',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'approval waiting for a second approver',
                        'verbose_name_plural': 'approvals waiting for a second approver',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('approvals.approvalrequest',),
                ),
                migrations.CreateModel(
                    name='PendingDisbursement',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'loan pending disbursement',
                        'verbose_name_plural': 'loans pending disbursement',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('servicing.loan',),
                ),
                migrations.CreateModel(
                    name='ReferredApplication',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'referred application',
                        'verbose_name_plural': 'referred applications',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('origination.creditapplication',),
                ),
            ],
            database_operations=[],
        ),
    ]
