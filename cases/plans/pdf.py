"""The plan and letters as PDFs (WeasyPrint), from the same template include as the HTML view.

PDF/UA-1 output keeps the heading structure (h1/h2 become tagged headings) for screen readers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

from cases.plans.sections import BY_KEY, SECTIONS
from cases.statutory import timeline

if TYPE_CHECKING:
    from cases.plans.models import Plan, PlanVersion


def plan_sections_for_display(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """Sections in statutory order with their items, links spelt out for readers."""
    texts = {
        item["id"]: item["text"]
        for content in sections.values()
        for item in content.get("items", [])
    }
    shown = []
    for section in SECTIONS:
        content = sections.get(section.key, {"text": "", "items": []})
        items = [
            {
                **item,
                "need_text": texts.get(item.get("need", ""), ""),
                "outcome_text": texts.get(item.get("outcome", ""), ""),
            }
            for item in content.get("items", [])
        ]
        shown.append(
            {
                "key": section.key,
                "title": section.title,
                "kind": section.kind,
                "paragraphs": [p for p in (content.get("text") or "").splitlines() if p.strip()],
                "items": items,
            }
        )
    return shown


def plan_context(
    *, plan: Plan, version: PlanVersion, issued_on: date | None, proposed: bool = False
) -> dict[str, Any]:
    """What the plan include renders. `proposed`: amendments proposed at a review (reg 22)."""
    case = plan.case
    dates: dict[str, date] = {}
    if issued_on is not None:
        t = timeline(case.received_on, final_issued=issued_on, decision_notice=issued_on)
        dates = {"appeal": t["appeal"], "annual_review": t["annual_review"]}
    return {
        "plan": plan,
        "case": case,
        "child": case.child,
        "version": version,
        "sections": plan_sections_for_display(version.sections),
        "issued_on": issued_on,
        "is_final": issued_on is not None,
        "named_setting": plan.named_setting if issued_on is not None or proposed else None,
        "proposed": proposed,
        "dates": dates,
        "section_i": BY_KEY["I"],
    }


def _write_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def plan_draft_pdf_render(*, plan: Plan, version: PlanVersion) -> bytes:
    """The draft the family was sent, as the same PDF layout as the final plan (no dates of
    issue or appeal: a draft gives no right of appeal)."""
    html = render_to_string(
        "cases/plans/plan_pdf.html", plan_context(plan=plan, version=version, issued_on=None)
    )
    return _write_pdf(html)


def plan_pdf_render(*, plan: Plan, version: PlanVersion, issued_on: date) -> bytes:
    html = render_to_string(
        "cases/plans/plan_pdf.html", plan_context(plan=plan, version=version, issued_on=issued_on)
    )
    return _write_pdf(html)
