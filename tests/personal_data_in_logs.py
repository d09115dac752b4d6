"""No personal data in any log line (issue #21, PRODUCT §6): identity numbers, bank cards and
mobile numbers never reach a log, however a test drives the code.

``log_watch`` is an autouse fixture of the partner API's and the browser tests' conftest: it
formats every record any logger emits during the test (any level, the arguments applied) and
fails the test if one holds something shaped like those numbers. A module of fuzzed requests
(made-up ids in URLs that Django logs as "Not Found") opts out with the mark
``pytest.mark.fuzzed_logs``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
PATTERNS = {
    "identity number": re.compile(_NOT_ALNUM_BEFORE + r"\d{17}[0-9Xx]" + _NOT_ALNUM_AFTER),
    "bank card": re.compile(_NOT_ALNUM_BEFORE + r"\d{16,19}" + _NOT_ALNUM_AFTER),
    "mobile number": re.compile(_NOT_ALNUM_BEFORE + r"(?:\+?86)?1[3-9]\d{9}" + _NOT_ALNUM_AFTER),
}


def personal_data_in(text: str) -> list[str]:
    """What in ``text`` looks like an identity, card or mobile number: the kinds found."""
    return [kind for kind, pattern in PATTERNS.items() if pattern.search(text)]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@pytest.fixture(autouse=True)
def log_watch(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("fuzzed_logs"):
        yield
        return
    handler = _Collect()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    leaks = [(line, personal_data_in(line)) for line in handler.lines if personal_data_in(line)]
    assert not leaks, f"personal data in log lines: {leaks[:3]}"
