from django.db import migrations


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
        ('approvals', '0001_initial'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DecidedApproval',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'decided approval',
                        'verbose_name_plural': 'approvals history',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('approvals.approvalrequest',),
                ),
            ],
            database_operations=[],
        ),
    ]
