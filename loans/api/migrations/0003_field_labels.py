# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_field_labels'),
        ('api', '0002_verbose_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='key',
            field=models.CharField(max_length=255, verbose_name='idempotency key'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.partner', verbose_name='partner'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='request_hash',
            field=models.CharField(max_length=64, verbose_name='request hash'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='request_method',
            field=models.CharField(max_length=8, verbose_name='request method'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='request_path',
            field=models.CharField(max_length=255, verbose_name='request path'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='response_body',
            field=models.JSONField(verbose_name='response body'),
        ),
        migrations.AlterField(
            model_name='idempotencyrecord',
            name='response_status',
            field=models.PositiveSmallIntegerField(verbose_name='response status'),
        ),
    ]
