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
                    name='PortalPayment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(max_length=43, unique=True)),
                        ('purpose', models.CharField(choices=[('NEXT_INSTALLMENT', 'Next installment'), ('AMOUNT', 'Any amount'), ('PAYOFF', 'Pay off')], max_length=20)),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                        ('prepayment_mode', models.CharField(blank=True, max_length=20)),
                        ('backend', models.CharField(max_length=100)),
                        ('status', models.CharField(choices=[('PENDING', 'Waiting for the payment'), ('PAID', 'Paid'), ('CANCELLED', 'Cancelled')], default='PENDING', max_length=10)),
                        ('gateway_reference', models.CharField(blank=True, max_length=100)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('paid_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'loans_portalpayment',
                        'ordering': ['-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
