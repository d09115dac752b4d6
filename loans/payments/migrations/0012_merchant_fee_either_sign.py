# A merchant fee may be negative (refunds give back more fee than the day's purchases pay): the
# settlement's check keeps purchases, refunds and subsidies non-negative only (issue #18).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_partner_merchant_fee_rate'),
        ('ledger', '0009_field_labels'),
        ('payments', '0011_portal_bill_payments'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='merchantsettlement',
            name='merchant_settlement_parts_positive',
        ),
        migrations.AddConstraint(
            model_name='merchantsettlement',
            constraint=models.CheckConstraint(condition=models.Q(('purchases_amount__gte', 0), ('refunds_amount__gte', 0), ('subsidies_amount__gte', 0)), name='merchant_settlement_parts_positive'),
        ),
    ]
