import os

from hypothesis import HealthCheck, settings

# Property tests run at least 1,000 examples each in `make test` (issue #2); "dev" is for quick
# local loops: HYPOTHESIS_PROFILE=dev pytest tests/unit.
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
