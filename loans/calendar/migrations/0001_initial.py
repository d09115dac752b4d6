from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('loans', '0016_models_move_to_apps'),
    ]

    # The models moved here from the loans app (issue #8) and kept their tables, which the
    # loans app's migrations 0001-0015 made: this changes Django's state only, no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BusinessDate',
                    fields=[
                        ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                        ('current_date', models.DateField()),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'loans_businessdate',
                        'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='business_date_single_row')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
