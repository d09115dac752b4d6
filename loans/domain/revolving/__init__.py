"""Revolving credit at a checkout (PRODUCT §10): bills, minimum, interest-free period, plans.

Pure Python over Decimal and date, like the rest of loans/domain; docs/revolving.md states the
rules as implemented and the public API.
"""
