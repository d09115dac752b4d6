"""How many numbers fit what a page shows of one (issue #16 hole 3, docs/identity.md).

An attacker who sees a masked number, and whatever else a page shows, can list the numbers that
fit; the fewer they are, the easier the true one is to find (one call, one login attempt, one
search each). These functions count them exactly, the way an attacker would enumerate them:

- identity numbers: every six-digit division code ever issued (python-stdnum's copy of
  GB/T 2260, retired codes included), every birth date the other facts allow, every sequence
  number of the right sex, and the GB 11643 check character;
- bank cards: every digit string of the card's length that fits and passes Luhn, with the
  issuer's six-digit BIN taken as known (the worst case: an attacker who knows the bank);
- mobiles: every 11-digit mainland number (1, then 3-9, then 9 digits) that fits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import stdnum

from accounts.validators import MAX_AGE, MIN_AGE, Sex, age_on

HIDDEN = "*"
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARACTERS = "10X98765432"


def fits(text: str, shown: str) -> bool:
    """Whether ``text`` agrees with every visible character of ``shown`` (same length)."""
    return len(text) == len(shown) and all(
        s in (HIDDEN, t) for t, s in zip(text, shown, strict=True)
    )


@cache
def division_codes() -> tuple[str, ...]:
    """Every county-level code an identity number may start with, retired ones included.

    Province- and prefecture-level rows (``xx0000``, ``xxxx00``) are left out where the
    province has county rows: numbers carry a county's code. Taiwan, Hong Kong and Macau have
    only their province row (710000, 810000, 820000), and that is the code their numbers carry.
    """
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    by_province: dict[str, list[str]] = {}
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code = line.split()[0]
        if line.startswith(" "):
            by_province[province].append(province + code)
        else:
            province = code
            by_province[province] = []
    codes: list[str] = []
    for rows in by_province.values():
        counties = [code for code in rows if not code.endswith("00")]
        codes.extend(counties or rows)
    return tuple(codes)


def birth_dates_at_registration(as_of: date) -> list[date]:
    """The birth dates of everyone a registration on ``as_of`` accepts (age 18 to 60)."""
    start = date(as_of.year - MAX_AGE - 2, 1, 1)
    days = (date(as_of.year - MIN_AGE + 1, 1, 1) - start).days
    every_day = (start + timedelta(days=n) for n in range(days))
    return [d for d in every_day if MIN_AGE <= age_on(birth_date=d, as_of=as_of) <= MAX_AGE]


def _residues(parts: Iterable[str], offset: int) -> Counter[int]:
    return Counter(
        sum(int(digit) * _WEIGHTS[offset + i] for i, digit in enumerate(part)) % 11
        for part in parts
    )


def identity_candidates(shown: str, *, birth_dates: Iterable[date], sex: Sex | None = None) -> int:
    """Count the identity numbers that fit ``shown`` (18 characters, "*" hidden).

    ``birth_dates``: the dates the other facts shown allow; ``sex``: None when it is not known.
    """
    regions = [code for code in division_codes() if fits(code, shown[:6])]
    dates = [f"{d:%Y%m%d}" for d in birth_dates if fits(f"{d:%Y%m%d}", shown[6:14])]
    sequences = [
        f"{n:03d}"
        for n in range(1000)
        if fits(f"{n:03d}", shown[14:17]) and (sex is None or (n % 2 == 1) == (sex is Sex.MALE))
    ]
    if shown[17] == HIDDEN:
        return len(regions) * len(dates) * len(sequences)
    by_region, by_date = _residues(regions, 0), _residues(dates, 6)
    by_sequence = _residues(sequences, 14)
    return sum(
        r_count * d_count * s_count
        for r, r_count in by_region.items()
        for d, d_count in by_date.items()
        for s, s_count in by_sequence.items()
        if _CHECK_CHARACTERS[(r + d + s) % 11] == shown[17]
    )


def card_candidates(shown: str, *, bin_known: str) -> int:
    """Count the Luhn-valid card numbers of ``shown``'s length that start with ``bin_known``."""
    assert fits(bin_known, shown[: len(bin_known)]), "the BIN contradicts the mask"
    prefix = bin_known + shown[len(bin_known) :]
    # Luhn from the right: ways[r] = completions so far whose Luhn sum is r (mod 10).
    ways = [1] + [0] * 9
    for position, character in enumerate(reversed(prefix)):
        digits = range(10) if character == HIDDEN else [int(character)]
        doubled = position % 2 == 1
        added = [sum(divmod(2 * d, 10)) if doubled else d for d in digits]
        ways = [sum(ways[(r - a) % 10] for a in added) for r in range(10)]
    return ways[0]


def mobile_candidates(shown: str) -> int:
    """Count the mainland mobile numbers (1, then 3-9, then 9 digits) that fit ``shown``."""
    second = [d for d in "3456789" if fits(d, shown[1])] if fits("1", shown[0]) else []
    return len(second) * 10 ** shown[2:].count(HIDDEN)
