from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import dateformat
from django.utils.text import capfirst

from cases.deadlines import LABELS
from ehcp_portal.rows import (
    MARKER,
    URL_SAFE,
    date_text,
    escape,
    local_time,
    reference_links,
    rows_html,
)
from ehcp_portal.templatetags.portal import days_phrase, status_tag_class

register = template.Library()


@register.filter
def deadline_label(key: str) -> str:
    """The readable name of a statutory deadline key ('final_plan' → 'Final plan issued')."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """`mapping[key]`, or an empty list when absent (for dicts of lists in templates)."""
    return mapping.get(key, []) if mapping else []


# -- the caseload's rows, written in Python ---------------------------------------------------
# A row through the template's loop (a link, a date, a tag and a dozen lookups) cost 100 to
# 200 µs; with the form fields, rendering the caseload page went from 12-14 ms to about 7 ms at
# 1,000,000 cases (bench/README.md, third session). The same markup either way.

_CHECKBOX = (
    '<td class="govuk-table__cell" data-label="Select">'
    '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
    '<div class="govuk-checkboxes__item">'
    '<input class="govuk-checkboxes__input" id="{id}" name="bulk-cases" type="checkbox" '
    'value="{ref}:{caseworker}"{checked}>'
    '<label class="govuk-label govuk-checkboxes__label" for="{id}">'
    '<span class="govuk-visually-hidden">Select {ref}</span></label></div></div></td>'
)


def _days_cell(case: Any) -> str:
    days = case.days_to_next_deadline
    if days is not None and days < 0 and case.next_deadline_excepted:
        return '<strong class="govuk-tag govuk-tag--grey">Passed, exception recorded</strong>'
    if days is not None and days < 0:
        return f'<strong class="govuk-tag govuk-tag--red">{days_phrase(days)}</strong>'
    return days_phrase(days)


@register.simple_tag
def caseload_rows(rows: list[tuple[Any, list[Any]]], bulk: Any, selected: set[str]) -> str:
    """The caseload table's body rows: each case with its flags, and a tick box to select it
    when the page offers bulk reassignment."""
    out = []
    case_link = reference_links("casework:case_detail")
    for i, (case, flags) in enumerate(rows):
        ref = escape(case.reference)
        cells = ['<tr class="govuk-table__row">']
        if bulk:
            cells.append(
                _CHECKBOX.format(
                    id="id_bulk-cases" if i == 0 else f"select-{ref}",
                    ref=ref,
                    caseworker=case.caseworker_id if case.caseworker_id else "none",
                    checked=" checked" if case.reference in selected else "",
                )
            )
        href = case_link(case.reference)
        cells.append(
            f'<td class="govuk-table__cell" data-label="Case"><a class="govuk-link app-nowrap" '
            f'href="{href}">{ref}</a></td>'
        )
        child: str = escape(case.child.full_name)
        if bulk:
            worker = case.caseworker.get_full_name() if case.caseworker_id else ""
            child += (
                '<div class="govuk-body-s govuk-!-margin-bottom-0">'
                f"{escape(worker or 'Not assigned')}</div>"
            )
        cells.append(f'<td class="govuk-table__cell" data-label="Child">{child}</td>')
        cells.append(
            f'<td class="govuk-table__cell" data-label="Stage">{escape(case.get_stage_display())}'
            "</td>"
        )
        due = date_text(case.next_deadline_on, empty="–")
        if case.next_deadline_key:
            due += (
                '<div class="govuk-body-s govuk-!-margin-bottom-0">'
                f"{escape(deadline_label(case.next_deadline_key))}</div>"
            )
        cells.append(f'<td class="govuk-table__cell" data-label="Next deadline">{due}</td>')
        days = _days_cell(case)
        cells.append(f'<td class="govuk-table__cell" data-label="Days left">{days}</td>')
        cells.append(
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Priority">'
            f"{case.priority}</td>"
        )
        tags = "".join(
            f'<strong class="govuk-tag {escape(f.tag)} govuk-!-margin-bottom-1">'
            f"{escape(f.label)}</strong> "
            for f in flags
        )
        cells.append(f'<td class="govuk-table__cell" data-label="Flags">{tags or "–"}</td>')
        cells.append("</tr>")
        out.append("".join(cells))
    return rows_html(out)


# -- the team page's two tables, written in Python (rendering the page: 19-20 ms before, 6 after) --


def _capacity_cell(load: Any) -> str:
    percent = load.load_percent
    if percent is None:
        return "No capacity"
    if load.over_capacity:
        return f'<strong class="govuk-tag govuk-tag--red">{percent}%</strong>'
    if load.full:
        return f'<strong class="govuk-tag govuk-tag--orange">{percent}%</strong>'
    return f"{percent}%"


@register.simple_tag
def team_load_rows(loads: list[Any]) -> str:
    """Each caseworker's open cases against capacity, linking to their caseload."""
    caseload = escape(reverse("casework:caseload"))
    numeric = "govuk-table__cell govuk-table__cell--numeric"
    out = []
    for load in loads:
        who = escape(str(load.caseworker))
        theirs = f"{caseload}?caseworker={load.caseworker.pk}"
        breaches = (
            f'<a class="govuk-link govuk-!-font-weight-bold" href="{theirs}&amp;due=overdue">'
            f"{load.breaches}"
            f'<span class="govuk-visually-hidden"> overdue cases of {who}</span></a>'
            if load.breaches
            else "0"
        )
        out.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f'<a class="govuk-link" href="{theirs}">{who}'
            '<span class="govuk-visually-hidden">: their cases</span></a></th>'
            f'<td class="{numeric}" data-label="Open cases">{load.open_cases}</td>'
            f'<td class="{numeric}" data-label="Capacity">{load.capacity}</td>'
            f'<td class="{numeric}" data-label="Of capacity">{_capacity_cell(load)}</td>'
            f'<td class="{numeric}" data-label="Due this week">{load.at_risk_this_week}</td>'
            f'<td class="{numeric}" data-label="Breaches">{breaches}</td></tr>'
        )
    return rows_html(out)


def _due_with_days(case: Any) -> str:
    """ "4 Dec 2026 (3 days left)", or "– (No deadline)"."""
    return (
        f"{date_text(case.next_deadline_on, empty='–')} ({days_phrase(case.days_to_next_deadline)})"
    )


@register.simple_tag
def unassigned_rows(cases: list[Any]) -> str:
    """Open cases with no caseworker, each with its link to assign it."""
    case_link = reference_links("casework:case_detail")
    assign_link = reference_links("casework:reassign")
    out = []
    for case in cases:
        ref = escape(case.reference)
        out.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell"><a class="govuk-link" '
            f'href="{case_link(case.reference)}">{ref}</a></td>'
            f'<td class="govuk-table__cell">{escape(case.child.full_name)}</td>'
            f'<td class="govuk-table__cell">{date_text(case.received_on)}</td>'
            f'<td class="govuk-table__cell">{_due_with_days(case)}</td>'
            f'<td class="govuk-table__cell"><a class="govuk-link" '
            f'href="{assign_link(case.reference)}">Assign'
            f'<span class="govuk-visually-hidden"> {ref}</span></a></td></tr>'
        )
    return rows_html(out)


@register.simple_tag
def queue_rows(cases: list[Any]) -> str:
    """The unassigned queue's page: each case with its link to assign it, its priority and its
    next deadline."""
    assign_link = reference_links("assignment:case")
    out = []
    for case in cases:
        out.append(
            '<tr class="govuk-table__row"><td class="govuk-table__cell">'
            f'<a class="govuk-link" href="{assign_link(case.reference)}">'
            f"{escape(case.reference)}</a></td>"
            f'<td class="govuk-table__cell">{escape(case.child.full_name)}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{case.priority}</td>'
            f'<td class="govuk-table__cell">{_due_with_days(case)}</td></tr>'
        )
    return rows_html(out)


@register.simple_tag
def phase_transfer_rows(rows: list[Any]) -> str:
    """The phase transfer cohort's page: each child's move, caseworker and the 15 February
    (or 31 March) deadline with its status."""
    case_link = reference_links("casework:case_detail")
    out = []
    for row in rows:
        case, deadline = row.case, row.deadline
        worker = case.caseworker.get_full_name() if case.caseworker_id else ""
        move = "Secondary to post-16" if case.phase_transfer_post16 else "To a new school"
        due = status = ""
        if deadline:
            due = date_text(deadline.due, "j F Y")
            status = (
                f'<strong class="govuk-tag {escape(status_tag_class(deadline.status))}">'
                f"{escape(capfirst(deadline.status))}</strong>"
            )
            if deadline.met_on:
                status += f' <span class="govuk-body-s">amended {date_text(deadline.met_on)}</span>'
            elif case.review_meeting_on:
                status += (
                    ' <span class="govuk-body-s">review meeting '
                    f"{date_text(case.review_meeting_on)}</span>"
                )
        out.append(
            '<tr class="govuk-table__row"><td class="govuk-table__cell">'
            f'<a class="govuk-link" href="{case_link(case.reference)}">'
            f"{escape(case.reference)}</a></td>"
            f'<td class="govuk-table__cell">{escape(case.child.full_name)}</td>'
            f'<td class="govuk-table__cell">{move}</td>'
            f'<td class="govuk-table__cell">{escape(worker or "Not assigned")}</td>'
            f'<td class="govuk-table__cell">{due}</td>'
            f'<td class="govuk-table__cell">{status}</td></tr>'
        )
    return rows_html(out)


@register.simple_tag
def timeline_items(events: Any, may_work: Any = False) -> str:
    """A page of a case's timeline (MOJ timeline items): what happened, who did it, when, and
    the reasons given. Staff who work the case also see which events the family does not."""
    out = []
    for event in events:
        when = local_time(event.created_at)
        byline = escape(str(event.actor)) if event.actor_id else "the system"
        if may_work and not event.family_visible:
            byline += " (not shown to the family)"
        data = event.data if isinstance(event.data, dict) else {}
        reasons = data.get("reasons") or data.get("reason")
        description = (
            '<div class="moj-timeline__description"><p class="govuk-body">'
            f"{linebreaksbr(reasons, autoescape=True)}</p></div>"
            if reasons
            else ""
        )
        out.append(
            '<div class="moj-timeline__item"><div class="moj-timeline__header">'
            f'<h3 class="moj-timeline__title">{escape(event.summary)}</h3>'
            f'<p class="moj-timeline__byline">by {byline}</p></div>'
            f'<p class="moj-timeline__date"><time datetime="{dateformat.format(when, "c")}">'
            f"{dateformat.format(when, TIMELINE_WHEN)}</time></p>{description}</div>"
        )
    return rows_html(out)


TIMELINE_WHEN = r"j F Y \a\t g:ia"


@register.simple_tag
def request_sections(sections: list[dict[str, Any]]) -> str:
    """What the request said: a heading and a summary list per section, some fifty answers for
    a request sent through the portal (about 2 ms through the template's nested loops)."""
    out = []
    for section in sections:
        rows = "".join(
            '<div class="govuk-summary-list__row">'
            f'<dt class="govuk-summary-list__key">{escape(row["key"])}</dt>'
            '<dd class="govuk-summary-list__value">'
            f"{linebreaksbr(row['value'], autoescape=True)}</dd></div>"
            for row in section["rows"]
        )
        out.append(
            f'<h3 class="govuk-heading-s">{escape(section["title"])}</h3>'
            f'<dl class="govuk-summary-list">{rows}</dl>'
        )
    return rows_html(out)


_KEY_MARKER = "EHC-DEADLINE-KEY-MARKER"
_EXCEPTION_ROW = (
    '<div class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">Exception: {reason}, '
    "{starts}{ends}; family told {told}</div>"
)


@register.simple_tag
def deadlines_table(
    deadlines: list[Any],
    *,
    case: Any,
    for_family: Any = False,
    may_work: Any = False,
    exceptions_by_key: Any = None,
    exceptable_keys: Any = (),
) -> str:
    """A case's statutory deadlines (the staff case page, the family's tracker): each date, how
    long is left, its status, the exceptions recorded and, for those who work the case, the
    link to record one. Through the template a row cost about 100 µs."""
    # The link to record an exception, reversed once for the table (a reverse is about 25 µs).
    exception_link = (
        reverse("casework:deadline_exception_add", args=[MARKER, _KEY_MARKER]).replace(
            MARKER, quote(str(case.reference), safe=URL_SAFE)
        )
        if may_work
        else None
    )
    out = [
        '<table class="govuk-table">'
        '<caption class="govuk-table__caption govuk-visually-hidden">Statutory deadlines'
        '</caption><thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Deadline</th>'
        '<th scope="col" class="govuk-table__header">Due</th>'
        '<th scope="col" class="govuk-table__header">Status</th>'
    ]
    if may_work:
        out.append(
            '<th scope="col" class="govuk-table__header">'
            '<span class="govuk-visually-hidden">Exceptions</span></th>'
        )
    out.append('</tr></thead><tbody class="govuk-table__body">')
    for d in deadlines:
        status = d.status
        due = date_text(d.due, "j F Y")
        if d.is_open:
            left = (
                "Date passed, exception recorded"
                if d.excepted and d.days_left < 0
                else escape(days_phrase(d.days_left))
            )
            due += f'<div class="govuk-body-s govuk-!-margin-bottom-0">{left}</div>'
        shown = (
            "Exception applies" if for_family and status == "excepted" else escape(capfirst(status))
        )
        met = (
            f' <span class="govuk-body-s">on {date_text(d.met_on, "j M Y")}</span>'
            if d.met_on
            else ""
        )
        notes = "".join(
            '<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">'
            f"{escape(note.family_words)}</p>"
            for note in (d.exceptions if for_family else ())
        )
        recorded = "".join(
            _EXCEPTION_ROW.format(
                reason=escape(ex.get_reason_display()),
                starts=date_text(ex.starts_on, "j M Y"),
                ends=f" to {date_text(ex.ends_on, 'j M Y')}" if ex.ends_on else "",
                told=date_text(ex.family_told_on, "j M Y"),
            )
            for ex in ((exceptions_by_key or {}).get(d.key) or [])
        )
        row = (
            '<tr class="govuk-table__row"><td class="govuk-table__cell">'
            f'{escape(d.label)}<div class="govuk-hint govuk-!-margin-bottom-0 '
            f'govuk-!-font-size-16">{escape(d.explanation)}</div></td>'
            f'<td class="govuk-table__cell">{due}</td>'
            f'<td class="govuk-table__cell"><strong class="govuk-tag '
            f'{escape(status_tag_class(status))}">{shown}</strong>{met}{notes}{recorded}</td>'
        )
        if exception_link is not None:
            link = ""
            if d.key in exceptable_keys:
                href = escape(exception_link.replace(_KEY_MARKER, quote(d.key, safe=URL_SAFE)))
                link = (
                    f'<a class="govuk-link" href="{href}">Record an exception'
                    f'<span class="govuk-visually-hidden"> to {escape(d.label.lower())}</span></a>'
                )
            row += f'<td class="govuk-table__cell">{link}</td>'
        out.append(row + "</tr>")
    if not deadlines:
        out.append(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">'
            "No statutory deadlines at this stage.</td></tr>"
        )
    out.append("</tbody></table>")
    return rows_html(out)
