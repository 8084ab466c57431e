"""The SENCO's home page's table of pupils, written in Python: up to 200 pupils, each with
what the school must do next, cost several milliseconds through the template's nested loops."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ehcp_portal.rows import date_text, reference_links

register = template.Library()


def _steps(row: Any, child: str) -> str:
    if not row.steps:
        return "Nothing now"
    items = "".join(
        f'<li><a class="govuk-link" href="{escape(step.url)}">{escape(step.text)}'
        f'<span class="govuk-visually-hidden"> for {child}</span></a>'
        f"{' by ' + date_text(step.by, 'j F Y') if step.by else ''}</li>"
        for step in row.steps
    )
    return f'<ul class="govuk-list">{items}</ul>'


@register.simple_tag
def pupil_rows(rows: list[Any]) -> SafeString:
    """Each pupil: their page, stage, next statutory date and the school's next steps."""
    pupil_link = reference_links("schools:pupil")
    out = []
    for row in rows:
        case = row.case
        child = escape(case.child.full_name)
        due = date_text(case.next_deadline_on, "j F Y", empty="None")
        out.append(
            '<tr class="govuk-table__row"><td class="govuk-table__cell">'
            f'<a class="govuk-link" href="{pupil_link(case.reference)}">{child}</a><br>'
            f'<span class="govuk-hint">{escape(case.reference)}</span></td>'
            f'<td class="govuk-table__cell">{escape(case.get_stage_display())}</td>'
            f'<td class="govuk-table__cell">{due}</td>'
            f'<td class="govuk-table__cell">{_steps(row, child)}</td></tr>'
        )
    # Every value above is escaped as it is placed.
    return mark_safe("\n".join(out))  # noqa: S308
