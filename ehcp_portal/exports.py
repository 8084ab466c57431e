"""Tables downloaded as CSV or XLSX: the one helper every export goes through.

A spreadsheet program reads a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab
or carriage return) as a formula, so a child's name or a note typed as `=HYPERLINK(...)` would
run when a manager opens the file (CSV/formula injection, OWASP). Every text cell is therefore
neutralised with a leading apostrophe, in both formats; numbers and dates stay typed.

The caller decides what rows the user may see (the same selector and access rule as the page);
this module only writes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | date | None


def neutralise(value: Any) -> Cell:
    """A cell value safe to open in a spreadsheet: text that could be read as a formula gets a
    leading apostrophe; numbers, dates and empty cells are kept as they are."""
    if value is None or isinstance(value, bool):
        return "" if value is None else ("Yes" if value else "No")
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: the council's local time, as the pages show it.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, int | float | date):
        return value
    text = str(value).replace("\x00", "")
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _row(values: Iterable[Any]) -> list[Cell]:
    return [neutralise(v) for v in values]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Iterable[Any]]) -> Any:
    """A CSV download, streamed row by row (a long list never sits in memory)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(_row(headers))
        for row in rows:
            yield writer.writerow([_csv_text(v) for v in _row(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Iterable[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(slugify(title) or "sheet")[:31])
    sheet.append(_row(headers))
    for row in rows:
        values = _row(row)
        # openpyxl stores a string beginning "=" as a formula; neutralise() already prefixed
        # those, so every text cell here is written as text.
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Iterable[Any]], *, title: str = ""
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title or filename, headers, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Iterable[Any]],
    *,
    title: str = "",
) -> Any:
    """The table as `fmt` ("csv" or "xlsx"); any other format does not exist (404)."""
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows, title=title)
    raise Http404("No such format")
