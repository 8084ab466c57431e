"""The SENCO's tables written in Python: the home page's pupils (up to 200, each with what the
school must do next) and the children moving school in September (50 a page). Through the
template's nested loops a row cost 100 to 200 µs (ehcp_portal.rows)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from ehcp_portal.rows import date_text, escape, reference_links, rows_html

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
    return rows_html(out)


@register.simple_tag
def transfer_rows(rows: list[Any], school: Any, by_date: Any, post16_by_date: Any) -> SafeString:
    """The children moving school in September: for a school its own pupils; for casework
    every child, with a tick box to ask their school to start the review now."""
    pupil_link = reference_links("schools:pupil")
    review_link = reference_links("schools:staff_review")
    by = date_text(by_date, "j F Y")
    by_post16 = date_text(post16_by_date, "j F Y")
    out = []
    for i, (case, standing) in enumerate(rows):
        child = escape(case.child.full_name)
        cells = ['<tr class="govuk-table__row">']
        if not school:
            box = "id_cases" if i == 0 else f"id_cases_{i}"
            cells.append(
                '<td class="govuk-table__cell">'
                '<div class="govuk-checkboxes govuk-checkboxes--small" '
                'data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">'
                f'<input class="govuk-checkboxes__input" id="{box}" name="cases" type="checkbox" '
                f'value="{escape(case.reference)}"><label class="govuk-label '
                f'govuk-checkboxes__label" for="{box}"><span class="govuk-visually-hidden">'
                f"Ask the school of {child}</span></label></div></div></td>"
            )
        link = pupil_link if school else review_link
        cells.append(
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{link(case.reference)}">'
            f'{child}</a><br><span class="govuk-hint">{escape(case.reference)}</span></td>'
        )
        if not school:
            setting = case.child.setting.name if case.child.setting_id else ""
            cells.append(f'<td class="govuk-table__cell">{escape(setting or "Not known")}</td>')
        post16 = case.phase_transfer_post16
        cells.append(
            f'<td class="govuk-table__cell">'
            f"{'Secondary to post-16' if post16 else 'To a new school'}</td>"
            f'<td class="govuk-table__cell">{by_post16 if post16 else by}</td>'
            f'<td class="govuk-table__cell">{escape(standing)}</td></tr>'
        )
        out.append("".join(cells))
    return rows_html(out)
