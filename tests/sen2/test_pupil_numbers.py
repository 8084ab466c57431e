"""The UPN check letter (DfE algorithm) and the ULN check digit, on known and made numbers."""

from __future__ import annotations

import pytest

from cases.pupil_numbers import (
    uln_check_digit,
    uln_problem,
    upn_check_letter,
    upn_normalise,
    upn_problem,
)


@pytest.mark.parametrize(
    "upn",
    [
        "B201567815001",  # the DfE's own example (sen2.md §3)
        "b201 5678 15001",  # typed in lower case with spaces: normalised first
    ],
)
def test_a_known_valid_upn_passes(upn):
    assert upn_problem(upn) is None
    assert upn_normalise(upn) == "B201567815001"


def test_the_check_letter_is_the_weighted_sum_mod_23():
    # 2*2 + 0*3 + 1*4 + 5*5 + 6*6 + 7*7 + 8*8 + 1*9 + 5*10 + 0*11 + 0*12 + 1*13 = 254; 254 % 23 = 1
    assert upn_check_letter("201567815001") == "B"


def test_a_temporary_upn_counts_its_last_letter_by_its_place_in_the_table():
    body = "20156781500A"  # A is 0 in the table, so it weighs as 0 * 13
    assert upn_check_letter(body) == upn_check_letter("201567815000")
    assert upn_problem(upn_check_letter(body) + body) is None


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("C201567815001", "check letter does not match"),  # one letter off
        ("B201567815002", "check letter does not match"),  # one digit off
        ("B20156781500", "13 characters"),
        ("1201567815001", "a letter followed by 12 numbers"),
        ("B20156781500I", "a letter followed by 12 numbers"),  # I is not in the table
    ],
)
def test_a_mistyped_upn_is_refused_with_a_reason(upn, message):
    assert message in (upn_problem(upn) or "")


def test_a_uln_with_its_check_digit_passes_and_one_digit_off_fails():
    body = "123456789"
    digit = uln_check_digit(body)
    assert digit is not None
    assert uln_problem(f"{body}{digit}") is None
    assert "does not match" in (uln_problem(f"{body}{(digit + 1) % 10}") or "")
    assert uln_problem("12345") == "A ULN is 10 numbers"


def test_a_uln_body_whose_check_would_be_10_never_validates():
    # 10 - (sum % 11) == 10 when the weighted sum is a multiple of 11.
    body = next(
        f"{n:09d}" for n in range(10**8, 10**8 + 200) if uln_check_digit(f"{n:09d}") is None
    )
    assert all(uln_problem(f"{body}{d}") for d in range(10))
