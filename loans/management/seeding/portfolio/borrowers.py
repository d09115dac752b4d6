"""Borrowers, made in Python in a background thread: chunks of COPY rows, prefetched.

Identity, card and mobile numbers are valid and encrypted (no birth date is stored: it is in the
identity number); the thread never touches the database.
"""

from __future__ import annotations

import bisect
import queue
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from stdnum import luhn

from accounts import crypto
from accounts.validators import age_on, id_number_check_character
from loans.domain.dates import add_months
from loans.management.seeding.portfolio.mix import (
    BEIJING_OFFSET,
    BIRTH_DAYS,
    CASH_AMOUNTS,
    GIVEN,
    GRADES,
    LOANS_PER_BORROWER_WEIGHTS,
    REGIONS,
    SHOP_PRICES,
    SURNAMES,
    Profile,
    amount_weights,
    slots,
)


@dataclass(frozen=True)
class Chunk:
    number: int
    loans: int
    borrowers: bytes  # COPY text of accounts_borrower
    staging: bytes  # COPY text of seed_borrower
    count: int
    prepared_in: float


class BorrowerMaker:
    """Makes borrower rows: valid identity and card numbers, encrypted, from the borrower id."""

    def __init__(self, *, as_of: date, rng: random.Random, profiles: list[Profile]) -> None:
        self.as_of = as_of
        self.rng = rng
        self.profiles = profiles
        self.now = timezone.now().isoformat()
        self.birth_base = add_months(as_of, -58 * 12)
        self.cash_slot_amounts = [CASH_AMOUNTS[i] for i in slots(amount_weights(CASH_AMOUNTS))]
        self.shop_slot_amounts = [SHOP_PRICES[i] for i in slots(amount_weights(SHOP_PRICES))]

    def identity(self, borrower_id: int) -> tuple[str, date]:
        # (day, sequence, region) is a bijection of the id (7919 is prime to BIRTH_DAYS), so
        # identity numbers never repeat below 174 million borrowers.
        day = borrower_id % BIRTH_DAYS * 7919 % BIRTH_DAYS
        sequence = borrower_id // BIRTH_DAYS % 1000
        region = REGIONS[borrower_id // (BIRTH_DAYS * 1000) % len(REGIONS)]
        birth = self.birth_base + timedelta(days=day)
        first_17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        return first_17 + id_number_check_character(first_17), birth

    def rows(self, borrower_id: int, loans: int) -> tuple[str, str, str]:
        """Return the borrower's COPY row, its staging row, and its identity digest."""
        number, birth = self.identity(borrower_id)
        digest = crypto.lookup_digest(number)
        card_body = f"621483{borrower_id % 10**9:09d}"
        card = card_body + luhn.calc_check_digit(card_body)
        mobile = f"1{'3456789'[borrower_id // 10**9 % 7]}{borrower_id % 10**9:09d}"
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        profile = rng.choice(self.profiles)
        # The line was opened before the oldest seeded loan (at most 3 years before D).
        applied = add_months(self.as_of, -37) - timedelta(days=rng.randrange(120))
        consent = f"{applied.isoformat()} 10:00:00{BEIJING_OFFSET}"
        cap = int(profile.decision.credit_limit) // loans  # each loan ≤ limit / loans
        borrower = "\t".join(
            (
                str(borrower_id), name, crypto.encrypt(number), digest,
                crypto.mask_id_number(number), crypto.encrypt(mobile), crypto.lookup_digest(mobile),
                crypto.mask_mobile(mobile), f"p{borrower_id}@example.com",
                crypto.encrypt(card), crypto.lookup_digest(card), crypto.mask_bank_card(card),
                str(profile.income), str(profile.employment_months), str(profile.debts),
                "zh-hans", consent, "2026-01", consent, "", self.now, self.now,
            )
        )  # fmt: skip
        staging = "\t".join(
            (
                str(borrower_id), str(loans), str(profile.ident),
                str(GRADES.index(str(profile.decision.grade))), applied.isoformat(),
                str(age_on(birth_date=birth, as_of=applied)),
                str(bisect.bisect_right(self.cash_slot_amounts, cap)),
                str(bisect.bisect_right(self.shop_slot_amounts, cap)), name, consent,
            )
        )  # fmt: skip
        return borrower, staging, digest


def loans_per_borrower(rng: random.Random, loans: int) -> list[int]:
    counts: list[int] = []
    remaining = loans
    while remaining > 0:
        count = min(rng.choices((1, 2, 3, 4), LOANS_PER_BORROWER_WEIGHTS)[0], remaining)
        counts.append(count)
        remaining -= count
    return counts


def borrower_chunks(
    maker: BorrowerMaker, ids: Sequence[int], counts: Sequence[int], chunk_size: int
) -> Iterator[Chunk]:
    start, number = 0, 0
    while start < len(counts):
        began = time.perf_counter()
        borrowers: list[tuple[str, str]] = []
        staging: list[str] = []
        loans = 0
        index = start
        while index < len(counts) and loans < chunk_size:
            borrower, stage, digest = maker.rows(ids[index], counts[index])
            borrowers.append((digest, borrower))
            staging.append(stage)
            loans += counts[index]
            index += 1
        number += 1
        yield Chunk(
            number=number,
            loans=loans,
            # In digest order: the three indexes on the identity digest then fill page by page.
            borrowers=("\n".join(row for _, row in sorted(borrowers)) + "\n").encode(),
            staging=("\n".join(staging) + "\n").encode(),
            count=index - start,
            prepared_in=time.perf_counter() - began,
        )
        start = index


def prefetched(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """Yield the chunks, preparing the next ones in a thread while the caller writes.

    The thread only runs Python (random draws, Fernet); it never touches the database.
    """
    pending: queue.Queue[Chunk | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        pending.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put(None)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer and re-raised
            pending.put(error)

    thread = threading.Thread(target=produce, name="seed-portfolio-borrowers", daemon=True)
    thread.start()
    try:
        while (item := pending.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
