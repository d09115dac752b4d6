# Placeholder owned by the collection-run work (helper A): replace its operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_collection_run")]

    operations: list[migrations.operations.base.Operation] = []
