"""The dashboard's tables as HTML, written in Python: a table of several hundred rows (one per
caseworker of the council) costs a few milliseconds this way against a hundred or more through
nested template loops, and the page must answer in under 300 ms at 100,000 cases."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from cases.reporting.charts import Chart
from cases.reporting.tables import Cell, Table
from ehcp_portal.rows import escape as text_escape

register = template.Library()

NUMERIC = " govuk-table__cell--numeric"


def _cell(cell: Cell, link: str, numeric: bool) -> str:
    # The rows' escape, without Django's lazy-text wrapper (a dashboard has about 900 cells).
    text = text_escape(cell.text)
    if link:
        text = f'<a class="govuk-link" href="{text_escape(link)}">{text}</a>'
    return f'<td class="govuk-table__cell{NUMERIC if numeric else ""}">{text}</td>'


def _row(table: Table, row: list[tuple[Cell, str]]) -> str:
    first, *rest = row
    # Every piece is escaped as it is placed, so the joined row is safe.
    cells = "".join(
        _cell(cell, link, i + 1 >= table.numeric_from) for i, (cell, link) in enumerate(rest)
    )
    return (
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
        f"{text_escape(first[0].text)}</th>{cells}</tr>"
    )


@register.simple_tag
def dashboard_table(table: Table, rows: list[list[tuple[Cell, str]]]) -> SafeString:
    headers = format_html_join(
        "",
        '<th scope="col" class="govuk-table__header{}">{}</th>',
        (
            (" govuk-table__header--numeric" if i >= table.numeric_from else "", header)
            for i, header in enumerate(table.headers)
        ),
    )
    body: Any = mark_safe("".join(_row(table, row) for row in rows))  # noqa: S308
    if not rows:
        body = format_html(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">'
            "Nothing to count in this period.</td></tr>",
            len(table.headers),
        )
    return format_html(
        '<div class="app-table-scroll" tabindex="0" role="region" aria-label="{}: table">'
        '<table class="govuk-table app-dashboard-table">'
        '<caption class="govuk-table__caption govuk-table__caption--s">{}</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>'
        '<tbody class="govuk-table__body">{}</tbody></table></div>',
        table.title,
        table.title,
        headers,
        body,
    )


@register.simple_tag
def dashboard_chart(chart: Chart) -> SafeString:
    """A table's chart as SVG (its geometry from cases.reporting.charts): written here for the
    same reason as the tables, about 540 numbers a page."""
    key = escape(chart.key)
    out = [
        '<figure class="app-chart">'
        f'<svg role="img" aria-labelledby="{key}-chart-title {key}-chart-desc" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        'class="app-chart__svg">'
        f'<title id="{key}-chart-title">{escape(chart.title)}</title>'
        f'<desc id="{key}-chart-desc">{escape(chart.description)}</desc>'
    ]
    if chart.columns:
        out.append(
            f'<text x="0" y="13" class="app-chart__value">{escape(chart.top_text)}</text>'
            f'<line x1="0" y1="{chart.axis_y}" x2="{chart.width}" y2="{chart.axis_y}" '
            'stroke="#0b0c0c"></line>'
        )
        for column in chart.columns:
            out.append(
                f'<rect x="{column.x}" y="{column.y}" width="{column.width}" '
                f'height="{column.height}" fill="#1d70b8"></rect>'
            )
            if column.label:
                out.append(
                    f'<text x="{column.label_x}" y="{chart.axis_y + 16}" '
                    f'class="app-chart__value">{escape(column.label)}</text>'
                )
    for row in chart.rows:
        out.append(
            f'<text x="0" y="{row.label_y}" class="app-chart__label">{escape(row.label)}</text>'
        )
        for bar in row.bars:
            out.append(
                f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}" '
                f'fill="{escape(bar.colour)}"></rect>'
                f'<text x="{bar.text_x}" y="{bar.text_y}" class="app-chart__value">'
                f"{escape(bar.value_text)}</text>"
            )
    out.append("</svg>")
    if chart.series:
        swatches = ", ".join(
            f'<span class="app-chart__swatch app-chart__swatch--{i}"></span> {escape(name)}'
            for i, (name, _colour) in enumerate(chart.series)
        )
        out.append(
            f'<figcaption class="govuk-body-s app-chart__key">Key: {swatches}. '
            "The table below gives the same figures.</figcaption>"
        )
    else:
        out.append(
            '<figcaption class="govuk-body-s app-chart__key">'
            "The table below gives the same figures.</figcaption>"
        )
    out.append("</figure>")
    # Every text above is escaped as it is placed; the geometry is integers.
    return mark_safe("".join(out))  # noqa: S308
