"""How bureau records reach a file: the writer interface and its JSON Lines layout.

The export hands a writer each record with the borrower's identity number still encrypted;
the writer alone decrypts it, checks it and puts it in the line, so the clear number exists
only between ``decrypt`` and the file (never in a log, an error or the database). A writer
that refuses a record returns the reason, and the record is listed as a reject of its run.
The regulator's own format replaces ``JsonLinesWriter`` by another class with the same two
methods (docs/reporting.md "Bureau export layout").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from django.core.exceptions import ValidationError

from accounts import crypto
from accounts.validators import id_number_is_valid, validate_id_number
from loans.domain.bureau import RejectReason

# PBOC code of the resident identity card (居民身份证) in the personal credit data dictionary.
ID_TYPE_RESIDENT_CARD = "10"


@dataclass(frozen=True)
class BureauLine:
    """One record for a writer: its fields in layout order, without the identity number.

    ``loan_id`` is the record's account: a loan's id, or a revolving account's for a revolving
    record (its ``AcctCode`` starts ``LR``, a loan's ``LP``).
    """

    loan_id: int
    fields: dict[str, Any]
    identity_ciphertext: str


class BureauWriter(Protocol):
    """Writes a run's records to its file (opened by the export, binary, created once)."""

    name: str

    def write(self, line: BureauLine) -> RejectReason | None:
        """Write the record, or return why it cannot be sent (nothing written then)."""
        ...

    def close(self) -> None:
        """Flush what is buffered (the export closes the file and hashes it)."""
        ...


class JsonLinesWriter:
    """One JSON object per line, UTF-8, keys in the documented order, IDNum after IDType."""

    name = "jsonl-v1"

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def write(self, line: BureauLine) -> RejectReason | None:
        try:
            clear = crypto.decrypt(line.identity_ciphertext)
        except crypto.FieldNotDecryptable:
            return RejectReason.IDENTITY_UNREADABLE
        number = clear if id_number_is_valid(clear) else _number_or_none(clear)
        if number is None:
            return RejectReason.IDENTITY_INVALID
        record: dict[str, Any] = {}
        for key, value in line.fields.items():
            record[key] = value
            if key == "IDType":
                record["IDNum"] = number
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._stream.write(text.encode() + b"\n")
        return None

    def close(self) -> None:
        self._stream.flush()


def _number_or_none(clear: str) -> str | None:
    """The number as ``validate_id_number`` normalises it (a number stored in another form),
    or None when it is not a valid identity number."""
    try:
        return validate_id_number(clear).number
    except ValidationError:
        return None
