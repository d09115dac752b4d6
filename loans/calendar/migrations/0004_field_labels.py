# Field labels in the reader's language (issue #23): verbose_name and help_text only, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calendar', '0003_verbose_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='businessdate',
            name='current_date',
            field=models.DateField(verbose_name='current date'),
        ),
        migrations.AlterField(
            model_name='businessdate',
            name='id',
            field=models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False, verbose_name='ID'),
        ),
        migrations.AlterField(
            model_name='businessdate',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='day',
            field=models.DateField(primary_key=True, serialize=False, verbose_name='day'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='following_working_date',
            field=models.DateField(verbose_name='following working date'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='is_working',
            field=models.BooleanField(verbose_name='working day'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='kind',
            field=models.CharField(choices=[('WORKDAY', 'Working day'), ('WEEKEND', 'Weekend'), ('HOLIDAY', 'Public holiday'), ('MAKEUP_WORKDAY', 'Make-up working day')], max_length=16, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='name',
            field=models.CharField(blank=True, max_length=40, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='verified',
            field=models.BooleanField(verbose_name='verified'),
        ),
        migrations.AlterField(
            model_name='calendaryear',
            name='checksum',
            field=models.CharField(max_length=64, verbose_name='checksum'),
        ),
        migrations.AlterField(
            model_name='calendaryear',
            name='loaded_at',
            field=models.DateTimeField(verbose_name='loaded at'),
        ),
        migrations.AlterField(
            model_name='calendaryear',
            name='source',
            field=models.TextField(verbose_name='source'),
        ),
        migrations.AlterField(
            model_name='calendaryear',
            name='verified',
            field=models.BooleanField(verbose_name='verified'),
        ),
        migrations.AlterField(
            model_name='calendaryear',
            name='year',
            field=models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name='year'),
        ),
    ]
