import os

import pytest
from django.utils import translation
from hypothesis import HealthCheck, settings

# Property tests run at least 1,000 examples each in `make test` (issue #2); "dev" is for quick
# local loops: HYPOTHESIS_PROFILE=dev pytest tests/unit.
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Run each test in English: tests compare the services' messages as written. The catalog
    translates them to Chinese, the default language, wherever no language is chosen; HTTP
    requests still choose theirs (LocaleMiddleware), and format tests override it."""
    with translation.override("en"):
        yield
