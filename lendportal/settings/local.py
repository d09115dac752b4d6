"""Development settings: `make run`. Starts embedded PostgreSQL/Redis when none is configured."""

from lendportal.embedded import ensure_embedded_services

ensure_embedded_services()

from lendportal.settings.base import *  # noqa: E402, F403

DEBUG = True

# Static files come from the finders in development; only production collects them.
STATIC_ROOT = None
