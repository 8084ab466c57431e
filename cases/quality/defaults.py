"""The default audit framework (the SEND Code of Practice 2015, chapter 9: what a good plan
contains, 9.61 to 9.69) and call types, seeded by a migration; the council edits both in the
admin."""

from __future__ import annotations

CRITERIA: list[tuple[str, str]] = [
    ("The child's voice", "Section A is in the child's and family's own words (CoP 9.61, 9.69)"),
    ("The child's voice", "Aspirations for the future are recorded (CoP 9.64)"),
    ("Needs", "Needs in sections B, C and D are specific and drawn from the advice (CoP 9.69)"),
    (
        "Outcomes",
        "Outcomes in section E are SMART: specific, measurable, achievable, relevant "
        "and time-bound (CoP 9.66)",
    ),
    ("Provision", "Provision in section F is specific, detailed and quantified (CoP 9.69)"),
    ("Provision", "Each provision meets a need and an outcome (CoP 9.69)"),
    (
        "Health and social care",
        "Sections C, D, G and H are completed from health and social "
        "care advice, or say why not (CoP 9.69)",
    ),
    ("Placement and budget", "Sections I and J are correct for the stage of the plan"),
    ("Advice", "Section K lists all the advice and information received (CoP 9.62)"),
]

CALL_TYPES: list[str] = [
    "Progress of the request or assessment",
    "Concern about provision",
    "Draft plan or amendments",
    "School place or placement",
    "Annual review",
    "Transport",
    "Complaint or dissatisfaction",
    "Other",
]
