"""The SEN2 code sets agree with the shared summary, and every uncertain point is listed in
docs/sen2.md so a council can check it against its copy of the DfE specification."""

from __future__ import annotations

from pathlib import Path

from cases import sen2_codes
from cases.models import SenNeed

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sen2.md"

MAIN_ETHNICITY = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
]


def test_every_uncertain_item_is_listed_in_the_docs():
    text = DOCS.read_text()
    missing = [key for key in sen2_codes.UNCERTAIN if key not in text]
    assert missing == []


def test_the_main_ethnicity_codes_are_all_offered_and_codes_are_unique():
    codes = [code for code, _ in sen2_codes.ETHNICITY]
    assert set(MAIN_ETHNICITY) <= set(codes)
    assert len(codes) == len(set(codes))
    assert all(len(code) == 4 for code in codes)


def test_section_b_needs_are_the_sen2_types_including_down_syndrome():
    assert set(SenNeed.values) == sen2_codes.SEN_TYPES


def test_the_lists_match_the_summary():
    assert [c for c, _ in sen2_codes.REQUEST_SOURCE] == ["1", "2", "3", "4", "5"]
    assert [c for c, _ in sen2_codes.CEASE_REASON] == [str(n) for n in range(1, 10)]
    assert {c for c, _ in sen2_codes.SEN_SETTING} == {
        "OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"
    }  # fmt: skip
    assert [c for c, _ in sen2_codes.UPN_UNKNOWN] == [f"UN{n}" for n in range(1, 11)]
