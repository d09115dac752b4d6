import django.db.models.deletion
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
                    name='CobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('business_date', models.DateField(unique=True)),
                        ('status', models.CharField(choices=[('RUNNING', 'Running'), ('DONE', 'Done')], max_length=8)),
                        ('chunk_size', models.PositiveIntegerField()),
                        ('chunk_count', models.PositiveIntegerField(default=0)),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('summary', models.JSONField(default=dict)),
                    ],
                    options={
                        'db_table': 'loans_cobrun',
                        'ordering': ['-business_date'],
                    },
                ),
                migrations.CreateModel(
                    name='CobChunk',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('first_loan_id', models.BigIntegerField()),
                        ('last_loan_id', models.BigIntegerField()),
                        ('status', models.CharField(choices=[('PENDING', 'Pending'), ('DONE', 'Done')], default='PENDING', max_length=8)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('stats', models.JSONField(default=dict)),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chunks', to='cob.cobrun')),
                    ],
                    options={
                        'db_table': 'loans_cobchunk',
                        'ordering': ['run', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('run', 'number'), name='cob_chunk_number_unique'), models.CheckConstraint(condition=models.Q(('first_loan_id__lte', models.F('last_loan_id'))), name='cob_chunk_range_ordered')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
