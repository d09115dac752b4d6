"""Payouts made before issue #16 keep the card masked as first 4 + last 4; cut it to 3 + 2.

The old mask holds the card's true first and last characters, so the new one is made from it
(the payout keeps no ciphertext). There is no way back to 4 + 4: reversing leaves 3 + 2.
"""

from django.db import migrations

CUT_DOWN = r"""
UPDATE loans_payout
SET bank_card_masked = left(bank_card_masked, 3)
    || repeat('*', length(bank_card_masked) - 5) || right(bank_card_masked, 2)
WHERE bank_card_masked ~ '^[0-9]{4}\*+[0-9]{4}$'
"""


class Migration(migrations.Migration):
    dependencies = [("origination", "0003_credit_line_freeze")]

    operations = [migrations.RunSQL(CUT_DOWN, migrations.RunSQL.noop, elidable=False)]
