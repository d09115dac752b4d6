"""SQL shared by the month end's classification of loans and of revolving accounts."""

# A month end's row written again (a rerun, or classified on demand after the night): only a
# row whose figures changed is rewritten (the loans' and the revolving accounts' rows alike).
RESTATE_CHANGED = """DO UPDATE SET
    risk_class = EXCLUDED.risk_class, provision_stage = EXCLUDED.provision_stage,
    days_past_due = EXCLUDED.days_past_due,
    principal_outstanding_amount = EXCLUDED.principal_outstanding_amount,
    provision_rate = EXCLUDED.provision_rate, provision_amount = EXCLUDED.provision_amount,
    classified_at = EXCLUDED.classified_at
WHERE (c.risk_class, c.provision_stage, c.days_past_due, c.principal_outstanding_amount,
       c.provision_rate, c.provision_amount)
    IS DISTINCT FROM (EXCLUDED.risk_class, EXCLUDED.provision_stage, EXCLUDED.days_past_due,
       EXCLUDED.principal_outstanding_amount, EXCLUDED.provision_rate,
       EXCLUDED.provision_amount)
"""
