"""The one export helper: text a spreadsheet would run as a formula is neutralised in both
formats; numbers and dates stay typed."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.http import Http404
from openpyxl import load_workbook

from ehcp_portal.exports import csv_response, neutralise, table_response, xlsx_response


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 113 000", "'+44 113 000"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Amira Khan", "Amira Khan"),
        ("a=b", "a=b"),
        (-2, -2),
        (12.5, 12.5),
        (date(2026, 2, 15), date(2026, 2, 15)),
        (None, ""),
        (True, "Yes"),
        ("nul\x00byte", "nulbyte"),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written


ROWS = [["=1+1", 3, date(2026, 1, 5)], ["Plain", None, None]]


def test_csv_keeps_the_rows_and_neutralises_formulas():
    response = csv_response("list", ["Name", "Count", "Date"], ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="list.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Name", "Count", "Date"],
        ["'=1+1", "3", "2026-01-05"],
        ["Plain", "", ""],
    ]


def test_xlsx_keeps_types_and_writes_no_formula():
    response = xlsx_response("list", ["Name", "Count", "Date"], ROWS, title="A list")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "a-list"
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3
    assert sheet["C2"].value.date() == date(2026, 1, 5)
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_an_unknown_format_is_404():
    with pytest.raises(Http404):
        table_response("pdf", "list", ["A"], [])
