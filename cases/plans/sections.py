"""The statutory sections of an EHC plan and the shape of their structured content.

SEND Regulations 2014, reg 12(1) lists the sections A to K a plan must contain, under those
letters. Content is stored as one JSON object per section: free text plus items. Needs (B, C, D)
and outcomes (E) carry ids ("B1", "E2"); every provision item (F, G, H1, H2) names the need
and the outcome it serves, so a plan cannot list provision that answers nothing (plans that
misrepresented needs: docs/requirements.md R10).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "NEED_SECTIONS",
    "PROVISION_SECTIONS",
    "SECTIONS",
    "SECTION_KEYS",
    "Section",
    "empty_sections",
    "section_text",
    "validate_sections",
]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kind: str  # "text", "need", "outcome", "provision"
    hint: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "A",
        "Section A: The views, interests and aspirations of the child and their parents",
        "text",
        "What matters to the child and family, in their own words.",
    ),
    Section("B", "Section B: Special educational needs", "need", "Each need, one at a time."),
    Section("C", "Section C: Health needs related to special educational needs", "need", ""),
    Section("D", "Section D: Social care needs related to SEN or disability", "need", ""),
    Section("E", "Section E: Outcomes", "outcome", "Each outcome names the need it addresses."),
    Section("F", "Section F: Special educational provision", "provision", ""),
    Section("G", "Section G: Health provision", "provision", ""),
    Section("H1", "Section H1: Social care provision under section 2 CSDPA 1970", "provision", ""),
    Section("H2", "Section H2: Other social care provision", "provision", ""),
    Section(
        "I",
        "Section I: Placement",
        "text",
        "The type of school or setting. A draft plan must not name a school (s.38(5)).",
    ),
    Section("J", "Section J: Personal budget", "text", ""),
    Section("K", "Section K: Advice and information received", "text", ""),
)
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
NEED_SECTIONS = ("B", "C", "D")
PROVISION_SECTIONS = ("F", "G", "H1", "H2")


def empty_sections() -> dict[str, dict[str, Any]]:
    return {key: {"text": "", "items": []} for key in SECTION_KEYS}


def validate_sections(sections: dict[str, dict[str, Any]]) -> list[str]:
    """Problems with the links between items, in words a caseworker can act on."""
    problems: list[str] = []
    need_ids = {
        item["id"] for key in NEED_SECTIONS for item in sections.get(key, {}).get("items", [])
    }
    outcome_ids = {item["id"] for item in sections.get("E", {}).get("items", [])}
    for item in sections.get("E", {}).get("items", []):
        if item.get("need") not in need_ids:
            problems.append(f"Outcome {item['id']} must name a need in section B, C or D.")
    for key in PROVISION_SECTIONS:
        for item in sections.get(key, {}).get("items", []):
            if item.get("need") not in need_ids:
                problems.append(f"Provision {item['id']} must name a need in section B, C or D.")
            if item.get("outcome") not in outcome_ids:
                problems.append(f"Provision {item['id']} must name an outcome in section E.")
    return problems


def section_text(key: str, content: dict[str, Any]) -> str:
    """A section as plain lines: what the version diff compares."""
    lines = [BY_KEY[key].title]
    lines += list((content.get("text") or "").splitlines())
    for item in content.get("items", []):
        links = ", ".join(
            f"{label} {item[field]}"
            for field, label in (("need", "need"), ("outcome", "outcome"))
            if item.get(field)
        )
        lines.append(f"{item['id']}: {item['text']}" + (f" ({links})" if links else ""))
    return "\n".join(lines)
