"""A night's figures read in words on its back-office page (#23): every key of a close of
business's summary and of a chunk's stats, written by a real night, has a label in both
languages; the Chinese page shows none of them as an English word."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.roles import ADMINISTRATOR, role_assign
from loans.backoffice.readable import KEY_LABELS
from loans.cob.models import CobChunk, CobRun
from tests.factories.accounts import totp_enable
from tests.functional.backoffice.conftest import staff_member

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def night(loan) -> CobRun:
    call_command("close_business_day", "--inline", stdout=StringIO())
    return CobRun.objects.get()


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    return set()


def test_every_key_a_night_writes_has_a_label(night):
    chunk = CobChunk.objects.filter(run=night).first()
    assert chunk is not None

    keys = _keys(night.summary) | _keys(chunk.stats)

    assert {"accrual", "penalty", "revolving_bills", "ms"} <= keys
    assert sorted(keys - set(KEY_LABELS)) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "计提利息"), ("en", "interest accrued")],
)
def test_the_nights_page_shows_its_figures_in_words(night, language, expected):
    admin = staff_member("night-admin", ADMINISTRATOR)
    role_assign(user=admin, role=ADMINISTRATOR)
    totp_enable(admin)
    client = Client(headers={"accept-language": language})
    client.force_login(admin)

    page = client.get(f"/admin/cob/cobrun/{night.pk}/change/").content.decode()

    summary = re.search(
        r'<div class="readonly">([^<]*计提利息[^<]*|[^<]*interest accrued[^<]*)<', page
    )
    assert summary is not None, "the summary is not on the page in words"
    assert expected in summary.group(1)
    if language == "zh-hans":
        assert ENGLISH_WORD.findall(summary.group(1)) == []
