# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0002_verbose_names'),
        ('servicing', '0010_field_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contractdocument',
            name='language',
            field=models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], max_length=8, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='contractdocument',
            name='loan',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='contract_document', to='servicing.loan', verbose_name='loan'),
        ),
        migrations.AlterField(
            model_name='contractdocument',
            name='pdf_sha256',
            field=models.CharField(max_length=64, verbose_name='PDF SHA-256'),
        ),
        migrations.AlterField(
            model_name='contractdocument',
            name='recorded_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='recorded at'),
        ),
        migrations.AlterField(
            model_name='settlementcertificate',
            name='code',
            field=models.CharField(max_length=16, unique=True, verbose_name='verification code'),
        ),
        migrations.AlterField(
            model_name='settlementcertificate',
            name='issued_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='issued at'),
        ),
        migrations.AlterField(
            model_name='settlementcertificate',
            name='loan',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='settlement_certificate', to='servicing.loan', verbose_name='loan'),
        ),
    ]
