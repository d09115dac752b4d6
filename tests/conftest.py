import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.db.backends.postgresql.operations import DatabaseOperations
from django.utils import translation
from hypothesis import HealthCheck, settings

from accounts.database_roles import app_role_grant, credentials_use, owner_credentials
from tests.database import execute_sql_flush_as_owner

# Property tests run at least 1,000 examples each in `make test` (issue #2); "dev" is for quick
# local loops: HYPOTHESIS_PROFILE=dev pytest tests/unit.
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The test databases are thrown away, so their commits need not wait for the disk: without the
# wait a test run is about a third shorter on this kind of machine (a commit's fsync takes 1-3 ms
# here). PGOPTIONS reaches every libpq connection of this process and of the workers and commands
# the tests start; visibility and locking are unchanged, only a server crash could lose a commit.
os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Run each test in English: tests compare the services' messages as written. The catalog
    translates them to Chinese, the default language, wherever no language is chosen; HTTP
    requests still choose theirs (LocaleMiddleware), and format tests override it."""
    with translation.override("en"):
        yield


# The two database roles (docs/database.md). With DATABASE_OWNER_URL set, the owner creates,
# migrates and drops the test databases, the application's role (DATABASE_URL's user) gets its
# grants, and every test then connects as it, as the web and worker processes do.
_APPLICATION: dict[str, Any] = {}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Create and migrate the test databases as the owner."""
    owner = owner_credentials()
    settings_dict = connections["default"].settings_dict
    if owner is not None and owner["USER"] != settings_dict["USER"]:
        _APPLICATION.update(credentials_use(settings_dict, owner))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Grant the application's role its rights, and run the tests as it; the owner flushes."""
    connection = connections["default"]
    owner = {key: connection.settings_dict.get(key) for key in _APPLICATION}
    if _APPLICATION:
        with django_db_blocker.unblock():
            app_role_grant(role=_APPLICATION["USER"])
        connection.close()
        credentials_use(connection.settings_dict, _APPLICATION)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush_as_owner)
        yield
    if _APPLICATION:
        # pytest-django drops the test databases next, as the owner.
        connection.close()
        credentials_use(connection.settings_dict, owner)
