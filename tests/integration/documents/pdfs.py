"""Reading the documents back as a borrower's PDF reader would (pypdf)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _embedded(font: Any) -> bool:
    font = font.get_object()
    descriptors = [font.get("/FontDescriptor")]
    descriptors += [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
    return any(
        d is not None and {"/FontFile", "/FontFile2", "/FontFile3"} & set(d.get_object())
        for d in descriptors
    )


def fonts_of(pdf: bytes) -> dict[str, bool]:
    """Every font of every page by its BaseFont name: whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources.get_object()["/Font"].get_object().values():
            fonts[str(font.get_object()["/BaseFont"])] = _embedded(font)
    return fonts
