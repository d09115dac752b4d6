"""When a chunk's task was last sent and how many were: lost ones are sent again (issue #16)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cob", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="cobchunk",
            name="dispatched_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="cobchunk",
            name="dispatch_count",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
