"""The base of every refusal raised by the lending services.

Each subclass names the failed action (STYLE.md) and lives beside the service raising it; the
API's exception handler and the admin show ``code`` and ``str(exc)``.
"""


class LendingError(Exception):
    """A lending rule refused an operation; nothing was written."""

    code = "refused"
