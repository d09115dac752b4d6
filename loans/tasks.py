"""What every Celery task of LendPortal shares (STYLE.md "Celery").

The tasks live with their apps (``loans.<app>.tasks``). Their work is keyed in PostgreSQL (chunk
rows, entry keys, delivery leases), so a duplicate delivery or a rerun after a lost worker changes
nothing; acks_late, reject-on-worker-lost and the time limits are set globally in
lendportal/settings/base.py.
"""

from django.db import InterfaceError, OperationalError

# Errors worth a retry with backoff: the database went away or restarted under the task.
TRANSIENT = (OperationalError, InterfaceError)
