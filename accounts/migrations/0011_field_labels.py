# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_verbose_names'),
        migrations.swappable_dependency(settings.OAUTH2_PROVIDER_APPLICATION_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(db_index=True, max_length=64, verbose_name='operation'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to=settings.AUTH_USER_MODEL, verbose_name='actor'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='details',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='target_id',
            field=models.CharField(max_length=64, verbose_name='target ID'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='target_type',
            field=models.CharField(max_length=64, verbose_name='target type'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='bank_card_ciphertext',
            field=models.TextField(editable=False, verbose_name='bank card (encrypted)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='bank_card_digest',
            field=models.CharField(db_index=True, editable=False, max_length=64, verbose_name='bank card (digest)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='bank_card_masked',
            field=models.CharField(editable=False, max_length=19, verbose_name='bank card (masked)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='credit_check_consent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='credit check consent at'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='employment_months',
            field=models.PositiveIntegerField(verbose_name='months employed'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='external_id',
            field=models.CharField(blank=True, max_length=64, verbose_name='external ID'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='full_name',
            field=models.CharField(max_length=30, verbose_name='full name'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='id_number_ciphertext',
            field=models.TextField(editable=False, verbose_name='identity number (encrypted)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='id_number_digest',
            field=models.CharField(db_index=True, editable=False, max_length=64, verbose_name='identity number (digest)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='id_number_masked',
            field=models.CharField(editable=False, max_length=18, verbose_name='identity number (masked)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='language',
            field=models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=8, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='mobile_ciphertext',
            field=models.TextField(editable=False, verbose_name='mobile (encrypted)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='mobile_digest',
            field=models.CharField(db_index=True, editable=False, max_length=64, verbose_name='mobile (digest)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='mobile_masked',
            field=models.CharField(editable=False, max_length=11, verbose_name='mobile (masked)'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='monthly_debt_payments_amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='monthly debt payments'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='monthly_income_amount',
            field=models.DecimalField(decimal_places=2, max_digits=12, verbose_name='monthly income'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='partner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='borrowers', to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='privacy_consent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='privacy consent at'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='privacy_notice_version',
            field=models.CharField(blank=True, max_length=16, verbose_name='privacy notice version'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='user',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='borrower', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='api_scopes',
            field=models.JSONField(blank=True, default=list, verbose_name='API scopes'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='code',
            field=models.SlugField(max_length=40, unique=True, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='is active'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='name',
            field=models.CharField(max_length=100, unique=True, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='oauth_application',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='partner', to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL, verbose_name='OAuth application'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone_ciphertext',
            field=models.TextField(blank=True, editable=False, verbose_name='phone (encrypted)'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone_digest',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='phone (digest)'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone_masked',
            field=models.CharField(blank=True, editable=False, max_length=11, verbose_name='phone (masked)'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone_verified',
            field=models.BooleanField(default=False, verbose_name='phone verified'),
        ),
    ]
