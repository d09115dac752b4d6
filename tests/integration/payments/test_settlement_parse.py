"""A settlement file is read whole or refused whole, with every line and reason (PRODUCT §11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from loans.payments.models import SettlementDifference, SettlementFile
from loans.payments.settlement.parse import SettlementFileMalformed, settlement_parse
from tests.integration.payments.settlement_world import DAY, HEADER, line, settlement_csv


def errors_of(content: bytes, **kwargs: object) -> list[tuple[int, str]]:
    with pytest.raises(SettlementFileMalformed) as refused:
        settlement_parse(content, **kwargs)  # type: ignore[arg-type]
    return refused.value.errors


def test_a_well_formed_file_gives_its_date_and_lines():
    parsed = settlement_parse(
        settlement_csv(
            line("AD1-20270215-1", "CHARGE", "916.80"),
            "2027-02-15,payout-7,GW-9,PAYOUT,10000,FAILED",
            '2027-02-15,"tok,en",,PAYMENT,0.5,SUCCEEDED',
        )
    )

    assert parsed.settlement_date == DAY
    assert [(x.number, x.kind, x.our_key, x.amount, x.status) for x in parsed.lines] == [
        (2, "CHARGE", "AD1-20270215-1", Decimal("916.80"), "SUCCEEDED"),
        (3, "PAYOUT", "payout-7", Decimal("10000"), "FAILED"),
        (4, "PAYMENT", "tok,en", Decimal("0.5"), "SUCCEEDED"),
    ]
    assert parsed.lines[0].gateway_reference == "GW-AD1-20270215-1"
    assert parsed.lines[2].gateway_reference == ""


def test_a_byte_order_mark_crlf_and_trailing_blank_lines_are_accepted():
    content = b"\xef\xbb\xbf" + settlement_csv(line("k1", "CHARGE", "1.00")).replace(b"\n", b"\r\n")

    parsed = settlement_parse(content + b"\r\n\r\n")

    assert [x.our_key for x in parsed.lines] == ["k1"]


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("2027-02-15,k1,GW,CHARGE,916.80", "6 fields expected, found 5"),
        ("2027-02-15,k1,GW,CHARGE,916.80,SUCCEEDED,x", "6 fields expected, found 7"),
        ("15/02/2027,k1,GW,CHARGE,916.80,SUCCEEDED", "date '15/02/2027' is not a date YYYY-MM-DD"),
        ("20270215,k1,GW,CHARGE,916.80,SUCCEEDED", "date '20270215' is not a date YYYY-MM-DD"),
        ("2027-02-30,k1,GW,CHARGE,916.80,SUCCEEDED", "date '2027-02-30' is not a date YYYY-MM-DD"),
        ("2027-02-15,,GW,CHARGE,916.80,SUCCEEDED", "our_key is empty"),
        (
            f"2027-02-15,{'k' * 101},GW,CHARGE,1.00,SUCCEEDED",
            "our_key is longer than 100 characters",
        ),
        (
            "2027-02-15,k1,GW,DEPOSIT,916.80,SUCCEEDED",
            "unknown kind 'DEPOSIT' (CHARGE, PAYMENT, PAYOUT, REFUND)",
        ),
        *[
            (
                f"2027-02-15,k1,GW,CHARGE,{amount},SUCCEEDED",
                f"amount {amount!r} is not a positive amount of yuan with at most 2 decimals",
            )
            for amount in ("0.00", "-5.00", "916.805", "1e3", "1_000.00", "", "¥5")
        ],
        ("2027-02-15,k1,GW,CHARGE,916.80,OK", "unknown status 'OK' (SUCCEEDED, FAILED)"),
    ],
)
def test_each_fault_is_named_with_its_line(bad_line, reason):
    content = settlement_csv(line("k0", "CHARGE", "1.00"), bad_line)

    assert errors_of(content) == [(3, reason)]


def test_a_wrong_or_missing_header_refuses_the_file():
    assert errors_of(b"") == [(1, f"the header must be {HEADER}")]
    assert errors_of(settlement_csv(line("k", "CHARGE", "1.00"), header="date,key,kind")) == [
        (1, f"the header must be {HEADER}")
    ]


def test_mixed_dates_and_duplicate_keys_are_refused_with_both_lines():
    content = settlement_csv(
        line("k1", "CHARGE", "1.00"),
        line("k2", "CHARGE", "1.00", day=date(2027, 2, 16)),
        line("k1", "CHARGE", "2.00"),
        line("k1", "PAYMENT", "1.00"),  # another kind: not a duplicate
    )

    assert errors_of(content) == [
        (3, "date 2027-02-16 differs from the file's date 2027-02-15 (line 2)"),
        (4, "CHARGE 'k1' already on line 2"),
    ]


def test_every_fault_of_the_file_is_listed_not_only_the_first():
    content = settlement_csv(
        "2027-02-15,k1,GW,CHARGE,0,NOPE",
        line("k2", "CHARGE", "1.00"),
        "",
        line("k3", "CHARGE", "1.00"),
    )

    assert errors_of(content) == [
        (2, "amount '0' is not a positive amount of yuan with at most 2 decimals"),
        (2, "unknown status 'NOPE' (SUCCEEDED, FAILED)"),
        (4, "empty line"),
    ]


def test_invalid_utf8_and_broken_quotes_are_refused():
    content = (
        settlement_csv(line("k1", "CHARGE", "1.00")) + b"2027-02-15,\xff\xfe,GW,CHARGE,1,FAILED\n"
    )

    assert errors_of(content) == [(3, "not UTF-8 text")]
    assert errors_of(settlement_csv('2027-02-15,"k1,GW,CHARGE,1.00,FAILED'))[0][1].startswith(
        "not CSV"
    )


def test_a_file_without_lines_needs_its_date_and_lines_must_carry_it():
    assert errors_of(settlement_csv()) == [
        (2, "the file has no lines: give its date (--date) for a day without any")
    ]
    assert settlement_parse(settlement_csv(), settlement_date=DAY).lines == ()
    assert errors_of(
        settlement_csv(line("k1", "CHARGE", "1.00")), settlement_date=date(2027, 2, 14)
    ) == [(2, "date 2027-02-15 differs from the file's date 2027-02-14 (--date)")]


@pytest.mark.django_db
def test_the_command_refuses_a_malformed_file_whole_and_writes_nothing(tmp_path):
    path = tmp_path / "settlement-2027-02-15.csv"
    path.write_bytes(settlement_csv(line("k1", "CHARGE", "1.00"), line("k1", "CHARGE", "1.00")))

    with pytest.raises(CommandError) as refused:
        call_command("settlement_import", str(path))

    assert "line 3: CHARGE 'k1' already on line 2" in str(refused.value)
    assert "nothing imported" in str(refused.value)
    assert SettlementFile.objects.count() == 0
    assert SettlementDifference.objects.count() == 0
