"""The partner API's written instructions run as written (issue #16, hole 5b): every
``manage.py`` command in the README's "Partner API" section and in docs/api.md uses the
project's virtual environment, which is where `make install` puts Django."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _partner_api_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Partner API\n", 1)[1].split("\n## ", 1)[0]


def _code_lines(markdown: str) -> list[str]:
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", markdown, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines()]


@pytest.mark.parametrize(
    "text",
    [_partner_api_section(), (ROOT / "docs" / "api.md").read_text(encoding="utf-8")],
    ids=["README Partner API", "docs/api.md"],
)
def test_every_manage_py_command_runs_in_the_virtual_environment(text):
    interpreters = [
        (line, interpreter)
        for line in _code_lines(text)
        for interpreter in re.findall(r"(\S+)\s+manage\.py\b", line)
    ]

    assert interpreters
    for line, interpreter in interpreters:
        # ".venv/bin/python manage.py …", also inside "$( … )"
        assert interpreter.rsplit("$(", 1)[-1] == ".venv/bin/python", line
