"""``manage.py migrate`` as the database's owner, then the application role's grants (#16).

Django's own command, run over a connection switched to ``DATABASE_OWNER_URL`` when that is set
(same database, the owner's user, password, host and port); afterwards the user of
``DATABASE_URL`` gets its rights on every table, new ones included
(``accounts.database_roles.app_role_grant``). Without ``DATABASE_OWNER_URL`` it is Django's
command unchanged. docs/database.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from accounts.database_roles import app_role_grant, connection_as_owner


class Command(migrate.Command):
    help = (
        "Apply the migrations as the database owner (DATABASE_OWNER_URL), then grant the "
        "application's role (DATABASE_URL) its rights."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with connection_as_owner(options["database"]) as app_role:
            super().handle(*args, **options)
            if app_role is not None and not (options["plan"] or options["check_unapplied"]):
                app_role_grant(role=app_role, using=options["database"])
