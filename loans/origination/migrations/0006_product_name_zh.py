# A product's Chinese name (issue #22): Chinese pages named products in English ("Cash loan").
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The products the seeders make; any other product gets its Chinese name in the admin.
CHINESE_NAMES = {
    "CASH": "现金贷",
    "INSTALLMENT": "分期付",
    "PORTFOLIO-CASH": "现金贷（测试组合）",
    "PORTFOLIO-INSTALLMENT": "分期付（测试组合）",
}


def names_fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    product = apps.get_model("origination", "LoanProduct")
    for code, name in CHINESE_NAMES.items():
        product.objects.filter(code=code, name_zh="").update(name_zh=name)


class Migration(migrations.Migration):
    dependencies = [("origination", "0005_payout_failure")]

    operations = [
        migrations.AddField(
            model_name="loanproduct",
            name="name_zh",
            field=models.CharField(
                blank=True, default="", max_length=100, verbose_name="name in Chinese"
            ),
        ),
        migrations.RunPython(names_fill, migrations.RunPython.noop),
    ]
