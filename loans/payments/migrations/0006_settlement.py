# Placeholder owned by the settlement work (helper B): replace its operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_collection_followups")]

    operations: list[migrations.operations.base.Operation] = []
