"""The partner guide: docs/api.md up to its end marker, rendered once per process as HTML.

The file is the single source: the same text is read in the repository and served at
/api/guide/ beside the reference (/api/docs/, /api/redoc/). What follows the marker is for
LendPortal's developers and is not served.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

END_MARKER = "<!-- end of the partner guide -->"


def guide_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "api.md"


@cache
def guide_html() -> str:
    """The guide as HTML. Raw HTML in the Markdown is escaped, so the result is safe to embed."""
    text = guide_path().read_text(encoding="utf-8").split(END_MARKER, 1)[0]
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    return markdown.render(text)
