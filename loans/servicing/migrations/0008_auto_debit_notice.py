# Placeholder owned by the collection-run work (helper A): replace its operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("servicing", "0007_auto_debit_channel")]

    operations: list[migrations.operations.base.Operation] = []
