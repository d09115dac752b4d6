"""`python manage.py seed_demo [--if-empty]`: demo data for a development site (PRODUCT §8).

Today it creates the back-office superuser; products, staff roles, a partner, borrowers and loans
in every state join it with the lending core (issue #3) and the back office (issue #6).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.models import User
from accounts.services import demo_admin_create

DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "Create demo data: a back-office superuser (more arrives with the lending core)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (used by `make run`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data: the database has data already; nothing to do.")
                return
            if User.objects.filter(username=DEMO_ADMIN).exists():
                self.stdout.write(f"Demo data: user {DEMO_ADMIN!r} exists already.")
                return
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "lendportal-demo")
        demo_admin_create(username=DEMO_ADMIN, password=password, email="admin@example.com")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: back office at /admin/, user {DEMO_ADMIN!r}, password from "
                "DEMO_ADMIN_PASSWORD (default 'lendportal-demo')."
            )
        )
