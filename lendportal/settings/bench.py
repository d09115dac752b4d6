"""Benchmark settings: `make bench`. Local services, no debug, throttling out of the way."""

from lendportal.settings.local import *  # noqa: F403
from lendportal.settings.local import DATABASES

DEBUG = False
ROOT_URLCONF = "lendportal.bench_urls"
# Django refuses persistent connections with its pool (DATABASE_POOL_MAX_SIZE, docs/scaling.md).
DATABASES["default"]["CONN_MAX_AGE"] = 0 if DATABASES["default"]["OPTIONS"].get("pool") else 60
LENDPORTAL_API_THROTTLE_RATES = {"read": "1000000/min", "write": "1000000/min"}
LENDPORTAL_WEBHOOK_SEND_ON_COMMIT = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
