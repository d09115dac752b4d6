"""Every string the code marks for translation is in the Chinese catalogue, translated.

tests/unit/test_portal_formats.py checks the catalogue's own entries; a string added to the code
and never extracted is not among them (nine were found so on 2026-11-29). This runs Django's
``makemessages`` (GNU gettext's xgettext, which .ci/run installs) in a copy of the source tree,
so the checkout's catalogue is left as it is.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["manage.py", "lendportal", "loans", "accounts", "templates", "locale"]


def test_every_string_of_the_code_is_in_the_catalogue_and_translated(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy(source, tmp_path / name)

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    with (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po)
    missing = [message.id for message in catalog if message.id and not _translated(message)]
    assert missing == []


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy
