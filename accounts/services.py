"""Writes on accounts."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User


@transaction.atomic
def demo_admin_create(*, username: str, password: str, email: str) -> User:
    """Create the demo superuser (development data only)."""
    return User.objects.create_superuser(username=username, password=password, email=email)
