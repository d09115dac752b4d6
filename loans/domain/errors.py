"""The one base class of every error raised by the money core."""


class DomainError(ValueError):
    """A rule of the money core was broken; ``str(exc)`` is a one-line message for a human."""
