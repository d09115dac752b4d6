"""The fake gateway, fresh and seeded for each test, as the configured gateway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loans.payments.fake_gateway import FakeGateway


@pytest.fixture(autouse=True)
def fake(settings) -> Iterator[FakeGateway]:
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    FakeGateway.reset(seed=20261206)
    yield FakeGateway()
    FakeGateway.reset()
