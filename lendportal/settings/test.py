"""Test settings: `make test`. Starts embedded PostgreSQL/Redis when none is configured."""

import atexit
import os
import shutil
import tempfile
import uuid

from lendportal.embedded import ensure_embedded_services

# Each test process (each xdist worker, each worker process a test starts) keeps its metric
# samples to itself, so tests/functional/test_metrics.py reads exact counts.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir = tempfile.mkdtemp(
    prefix="lendportal-metrics-"
)


def _metrics_dir_remove(owner: int = os.getpid()) -> None:
    if os.getpid() == owner:  # not from a forked child that exits before its parent
        shutil.rmtree(_metrics_dir, ignore_errors=True)


atexit.register(_metrics_dir_remove)

ensure_embedded_services()

from lendportal.settings.base import *  # noqa: E402, F403

# Hashing passwords slowly protects users, not tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files come from the finders in development; only production collects them.
STATIC_ROOT = None

# Reminders: messages stay in memory (django.core.mail.outbox, LocmemSmsBackend.outbox).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LENDPORTAL_SMS_BACKEND = "loans.servicing.notifications.LocmemSmsBackend"

# Each test run (and each xdist worker) counts allauth's rate limits under its own cache prefix,
# so runs on a shared Redis never see each other's counters; functional and browser tests get a
# fresh prefix per test (tests/functional/conftest.py).
CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"  # noqa: F405
# Webhooks are sent by calling the sender in tests, not by a worker.
LENDPORTAL_WEBHOOK_SEND_ON_COMMIT = False
# Tests revoke tokens and deactivate partners and expect it at once (tests/functional/api
# test_auth.py turns the memory on to test it).
LENDPORTAL_API_AUTH_CACHE_SECONDS = 0
# Auto-debit sends a chunk on threads with their own connections (docs/rails.md); a test's
# transaction is invisible to them, so tests send in their own thread unless they ask (the
# kill test's workers and tests/integration/payments/test_collection_senders.py do).
LENDPORTAL_AUTO_DEBIT_SENDERS = int(os.environ.get("LENDPORTAL_AUTO_DEBIT_SENDERS", "1"))
# A read replica on the test database itself (Django's TEST MIRROR: a connection of its own),
# read only where a test turns LENDPORTAL_READ_REPLICA on (tests/integration/test_read_replica.py).
DATABASES.setdefault("replica", DATABASES["default"] | {"TEST": {"MIRROR": "default"}})  # noqa: F405
LENDPORTAL_READ_REPLICA = False
