"""``manage.py create_partner NAME [--scopes "..."]``: prints {"client_id", "client_secret"}."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import partner_create


class Command(BaseCommand):
    help = (
        "Create a partner with an OAuth2 client (client credentials) and print its id and "
        "secret as JSON. Every API scope unless --scopes narrows them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--scopes",
            help='Scopes separated by spaces or commas, e.g. "quotes loans:read".',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = None
        if options["scopes"] is not None:
            scopes = [s for s in options["scopes"].replace(",", " ").split() if s]
        try:
            credentials = partner_create(name=options["name"], scopes=scopes)
        except ValidationError as error:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise CommandError(messages) from error
        self.stdout.write(
            json.dumps(
                {"client_id": credentials.client_id, "client_secret": credentials.client_secret}
            )
        )
