# Model names in the reader's language (issue #23): state only, no SQL.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cob", "0002_chunk_dispatch"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="cobchunk",
            options={
                "ordering": ["run", "number"],
                "verbose_name": "close-of-business chunk",
                "verbose_name_plural": "close-of-business chunks",
            },
        ),
        migrations.AlterModelOptions(
            name="cobrun",
            options={
                "ordering": ["-business_date"],
                "verbose_name": "close-of-business run",
                "verbose_name_plural": "close-of-business runs",
            },
        ),
    ]
