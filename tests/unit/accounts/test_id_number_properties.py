"""validate_id_number against an independent implementation: python-stdnum's ``cn.ric``.

Known differences in what the two check, and how the properties below allow for them:

- Region. stdnum looks the whole 6-digit administrative division code up in its own table
  (``stdnum/cn/loc.dat``) and also checks that the county existed in the birth year; we check only
  the 2-digit province, because division codes change (counties merge, get renumbered) while the
  numbers already issued stay valid. So:
  (1) over region codes stdnum accepts for every year, the two verdicts are equal;
  (2) over random 4-digit county parts, our verdict equals stdnum's with its county lookup set
      aside (its length, format, checksum and date checks kept);
  (3) a number stdnum accepts, we accept (with a birth date from 1900 on).
- Birth year. stdnum accepts any calendar date (year 0001 on); we refuse births before
  1900-01-01, so the generated years start at 1900 (the earlier case is a unit test).
- stdnum 2.2 bug: for a code whose province is known but whose county is not (e.g. "111234"),
  ``ric.validate`` and even ``ric.is_valid`` raise KeyError('county') instead of refusing the
  number; ``stdnum_is_valid`` below reads that as "unknown county".
- Input. Both upper-case "x"; stdnum also drops separators such as "-", we drop only spaces
  (and fold full-width characters). The generated numbers have neither.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import event, given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as StdnumValidationError

from accounts.validators import PROVINCE_CODES, id_number_is_valid, validate_id_number


def _regions_valid_in_every_year() -> list[str]:
    # The province-level entries ("110000") that loc.dat lists without a "[from-to]" validity.
    table = numdb.get("cn/loc")
    regions = []
    for province in sorted(PROVINCE_CODES):
        info = {
            key: value for _, props in table.info(f"{province}0000") for key, value in props.items()
        }
        if info.get("county") and not info["county"].startswith("["):
            regions.append(f"{province}0000")
    return regions


ALWAYS_VALID_REGIONS = _regions_valid_in_every_year()
CHECK_CHARACTERS = "0123456789X"


def ours(number: str) -> bool:
    try:
        validate_id_number(number)
    except ValidationError:
        return False
    return True


def stdnum_is_valid(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except KeyError:  # the stdnum 2.2 bug above: an unknown county under a known province
        return False


def stdnum_without_county(number: str) -> bool:
    """stdnum's verdict with its county lookup (the last step of ric.validate) set aside."""
    try:
        ric.validate(number)
    except KeyError:  # the county lookup failed (stdnum bug above); every other step passed
        return True
    except InvalidComponent:
        # Raised for an impossible birth date or an unknown county; only the date counts here.
        try:
            ric.get_birth_date(number)
        except InvalidComponent:
            return False
        return True
    except StdnumValidationError:
        return False
    return True


@st.composite
def numbers(draw: st.DrawFn, regions: st.SearchStrategy[str]) -> str:
    """An 18-character number: the region, a date (often impossible), 3 digits, a check char."""
    region = draw(regions)
    year = draw(st.integers(1900, 2099))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    sequence = draw(st.integers(0, 999))
    first_17 = f"{region}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    right = ric.calc_check_digit(first_17 + "?")  # stdnum's own check, not ours
    if draw(st.booleans()):
        return first_17 + right
    return first_17 + draw(st.sampled_from(CHECK_CHARACTERS.replace(right, "")))


valid_province_regions = st.builds(
    lambda province, county: f"{province}{county:04d}",
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999),
)


def test_some_regions_are_always_valid_in_stdnum():
    assert len(ALWAYS_VALID_REGIONS) >= 30  # all but Hainan, Chongqing, Hong Kong and Macao


@settings(max_examples=2000, deadline=None)
@given(numbers(st.sampled_from(ALWAYS_VALID_REGIONS)))
def test_same_verdict_as_stdnum_on_regions_it_knows(number):
    event("valid" if ours(number) else "invalid")
    assert ours(number) == stdnum_is_valid(number)
    assert ours(number.lower()) == stdnum_is_valid(number.lower())


@settings(max_examples=2000, deadline=None)
@given(numbers(valid_province_regions))
def test_same_verdict_as_stdnum_without_its_county_table(number):
    event("valid" if ours(number) else "invalid")
    assert ours(number) == stdnum_without_county(number)
    if stdnum_is_valid(number):
        assert ours(number)


@settings(max_examples=500, deadline=None)
@given(numbers(valid_province_regions))
def test_what_stdnum_decodes_we_decode_alike(number):
    if ours(number):
        identity = validate_id_number(number)
        assert identity.number == ric.compact(number)
        assert identity.birth_date == ric.get_birth_date(number)


@settings(max_examples=500, deadline=None)
@given(
    st.integers(0, 99)
    .map(lambda code: f"{code:02d}")
    .filter(lambda code: code not in PROVINCE_CODES),
    st.integers(0, 9999),
)
def test_no_province_outside_the_list(province, county):
    first_17 = f"{province}{county:04d}19900101123"
    number = first_17 + ric.calc_check_digit(first_17 + "?")
    assert not ours(number)
    assert not stdnum_is_valid(number)  # stdnum has no such region either


def test_stdnum_raises_on_an_unknown_county():
    first_17 = "11123419900101123"
    number = first_17 + ric.calc_check_digit(first_17 + "?")
    with pytest.raises(KeyError):  # when stdnum fixes this, is_valid returns False: drop the shim
        ric.is_valid(number)
    assert ours(number)  # we check the province only


def test_stdnum_accepts_births_before_1900_and_we_do_not():
    first_17 = "11000018991231123"
    number = first_17 + ric.calc_check_digit(first_17 + "?")
    assert ric.is_valid(number)
    assert not ours(number)
    assert ric.get_birth_date(number) == date(1899, 12, 31)


def _validated_unchanged(text: str) -> bool:
    try:
        return validate_id_number(text).number == text
    except ValidationError:
        return False


_CHARACTERS = st.sampled_from("0123456789Xx ")


@given(
    st.one_of(
        st.text(_CHARACTERS, min_size=16, max_size=20),
        st.builds(
            lambda province, rest, born, check: f"{province}{rest}{born:%Y%m%d}{check}",
            st.sampled_from([*sorted(PROVINCE_CODES), "00", "99"]),
            st.text(st.sampled_from("0123456789"), min_size=4, max_size=4),
            st.dates(min_value=date(1890, 1, 1), max_value=date(2010, 12, 31)),
            st.text(st.sampled_from("0123456789X"), min_size=4, max_size=4),
        ),
    )
)
@settings(max_examples=1000)
def test_the_fast_check_agrees_with_the_validator_on_stored_numbers(text):
    """id_number_is_valid (the bureau export's check) accepts exactly what validate_id_number
    accepts and leaves as it is: a random 4-character tail hits the check character one time in
    eleven, so both verdicts occur."""
    event("valid" if _validated_unchanged(text) else "invalid")
    assert id_number_is_valid(text) == _validated_unchanged(text)
