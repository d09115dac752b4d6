"""Settings of the money rails (issue #17, PRODUCT §11): the auto-debit collection run.

Imported by base.py (``from lendportal.settings.rails import *``), which adds
``RAILS_BEAT_SCHEDULE`` to its beat schedule. Everything here comes from the environment or a
stated default; docs/rails.md "The collection run" explains each.
"""

from __future__ import annotations

from celery.schedules import crontab

from lendportal.env import env_bool, env_int, env_str

# When a series charges again after INSUFFICIENT_FUNDS (loans.domain.auto_debit.RetrySchedule):
# Beijing wall times; days counted from the due date; nothing is sent at or after window_end.
LENDPORTAL_AUTO_DEBIT_RETRY_SCHEDULE: dict[str, object] = {
    "first_at": "08:00",
    "same_day_retries": ["12:00", "18:00"],
    "daily_retry_days": 7,
    "daily_at": "08:00",
    "days_past_due_retries": [15, 30],
    "window_end": "21:00",
}
# Loans per chunk of a date's attempts: one Celery task sends one chunk.
LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE = env_int("LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE", 1000)
# Parts planned at once when a bank's single-payment limit is under the amount due: past this
# many, the rest is charged (and split again) at the next time of the retry schedule.
LENDPORTAL_AUTO_DEBIT_MAX_PARTS = env_int("LENDPORTAL_AUTO_DEBIT_MAX_PARTS", 10)
# Threads that send a chunk's attempts at once in each worker process, each with its own
# database connection: a send mostly waits (the gateway, the commits), so they overlap.
LENDPORTAL_AUTO_DEBIT_SENDERS = env_int("LENDPORTAL_AUTO_DEBIT_SENDERS", 4)
# Charges per second per gateway, counted in Redis across every worker (0: no limit).
LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND = env_int("LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND", 100)
# An attempt whose outcome is unknown (PENDING, or SENDING this long: its worker died) is asked
# about this long after it was sent, and again this long after each query.
LENDPORTAL_AUTO_DEBIT_QUERY_AFTER_SECONDS = env_int(
    "LENDPORTAL_AUTO_DEBIT_QUERY_AFTER_SECONDS", 120
)
# A charge the gateway says it never received (NOT_FOUND) is taken as not sent, and retried on
# the schedule, once it was sent this long ago (a request may still be on its way before).
LENDPORTAL_AUTO_DEBIT_NOT_FOUND_AFTER_SECONDS = env_int(
    "LENDPORTAL_AUTO_DEBIT_NOT_FOUND_AFTER_SECONDS", 600
)
# The fake gateway keeps its cards, agreements and charges in Redis (the default cache's),
# shared by every process, under this namespace; off, in each process's memory (unit tests).
LENDPORTAL_FAKE_GATEWAY_SHARED = env_bool("LENDPORTAL_FAKE_GATEWAY_SHARED", default=False)
LENDPORTAL_FAKE_GATEWAY_NAMESPACE = env_str("LENDPORTAL_FAKE_GATEWAY_NAMESPACE", "fake-gateway")

# The bank rail that pays partners their merchant settlement (loans.payments.merchant_settlement).
LENDPORTAL_MERCHANT_PAYOUT_BACKEND = env_str(
    "LENDPORTAL_MERCHANT_PAYOUT_BACKEND",
    "loans.payments.merchant_settlement.FakeMerchantPayoutBackend",
)

RAILS_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Partners' settlements of the closed dates, then their payouts due (PRODUCT §10, §11);
    # payouts without an answer are asked about, never sent again.
    "merchant-settle": {
        "task": "loans.payments.merchant_tasks.merchant_settle",
        "schedule": crontab(minute="*/30"),
        "options": {"expires": 25 * 60},
    },
    "merchant-payouts-query": {
        "task": "loans.payments.merchant_tasks.merchant_payouts_query",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # Plan the business date's attempts once it is 08:00 in Beijing, then send what is due
    # (first attempts, the 12:00 and 18:00 retries, the days after) until the window ends.
    "collection-due-send": {
        "task": "loans.payments.tasks.collection_due_send",
        "schedule": crontab(minute="*/5", hour="8-20"),
        "options": {"expires": 4 * 60},
    },
    # Charges whose outcome is unknown are asked about, never sent again (PRODUCT §11).
    "collection-attempts-query": {
        "task": "loans.payments.tasks.collection_attempts_query",
        "schedule": 60,
        "options": {"expires": 50},
    },
}
