"""The question pages of a request, in order, and which route asks which.

One thing per page (GOV.UK question pages). Families, schools and caseworkers entering a paper or
phone request all use the same pages, so every route produces the same case. In a school's
request, the pages marked `family_part` are answered by the parent the school invited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.datastructures import MultiValueDict

from families import forms as f

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User
    from families.models import RequestDraft

FAMILY, SCHOOL, ASSISTED = "family", "school", "assisted"
ALL = frozenset({FAMILY, SCHOOL, ASSISTED})


@dataclass(frozen=True)
class Step:
    slug: str
    section: str  # heading on "check your answers"
    title: str  # the page title (and the h1 when the page has more than one field)
    form: type[f.StepForm] | None  # None: the evidence upload page
    routes: frozenset[str] = ALL
    family_part: bool = False


STEPS: list[Step] = [
    Step("child-name", "About the child or young person", "What is their name?", f.ChildNameForm),
    Step("child-dob", "About the child or young person", "Date of birth", f.ChildDobForm),
    Step(
        "child-address",
        "About the child or young person",
        "Where do they live?",
        f.ChildAddressForm,
    ),
    Step(
        "child-identity",
        "About the child or young person",
        "Sex and ethnic group",
        f.ChildSexEthnicityForm,
    ),
    Step(
        "child-pupil-number",
        "About the child or young person",
        "Pupil or learner number",
        f.ChildPupilNumberForm,
    ),
    Step("child-language", "About the child or young person", "Home language", f.ChildLanguageForm),
    Step(
        "child-looked-after",
        "About the child or young person",
        "Looked-after status",
        f.ChildLookedAfterForm,
    ),
    Step("child-year-group", "About the child or young person", "Year group", f.ChildYearGroupForm),
    Step(
        "parents",
        "Parents and carers",
        "About you",
        f.ParentsForm,
        routes=frozenset({FAMILY, ASSISTED}),
    ),
    Step(
        "parent-contact",
        "Parents and carers",
        "The parent or carer",
        f.ParentContactForm,
        routes=frozenset({SCHOOL}),
    ),
    Step(
        "setting",
        "School or setting",
        "School, college or nursery",
        f.SettingForm,
        routes=frozenset({FAMILY, ASSISTED}),
    ),
    Step("needs-primary", "Needs", "Main area of need", f.NeedsPrimaryForm),
    Step("needs-secondary", "Needs", "Other areas of need", f.NeedsSecondaryForm),
    Step("needs-description", "Needs", "Their needs", f.NeedsDescriptionForm),
    Step("child-views", "Views", "All about me", f.ChildViewsForm, family_part=True),
    Step("parent-views", "Views", "Your views and hopes", f.ParentViewsForm, family_part=True),
    Step("support", "Support and professionals", "Support already in place", f.SupportForm),
    Step(
        "professionals", "Support and professionals", "Professionals involved", f.ProfessionalsForm
    ),
    Step("evidence", "Evidence", "Upload evidence", None),
    Step(
        "consent",
        "Consent to share information",
        "Consent to share information",
        f.ConsentForm,
        family_part=True,
    ),
    Step(
        "received",
        "How the request reached us",
        "Request received",
        f.ReceivedForm,
        routes=frozenset({ASSISTED}),
    ),
    Step(
        "parent-told",
        "Telling the parent",
        "Telling the parent",
        f.ParentToldForm,
        routes=frozenset({SCHOOL}),
    ),
    Step("declaration", "Declaration", "Declaration", f.DeclarationForm),
]
BY_SLUG = {s.slug: s for s in STEPS}


def is_family_viewer(draft: RequestDraft, user: User) -> bool:
    """A parent answering their part of a school's request (not the school itself)."""
    return draft.route == SCHOOL and user.pk != draft.created_by_id and user.is_family


def steps_for(draft: RequestDraft, user: User) -> list[Step]:
    steps = steps_of_route(draft.route)
    if draft.route == SCHOOL:
        family = is_family_viewer(draft, user)
        steps = [s for s in steps if s.family_part == family]
    return steps


def stored_data(draft: RequestDraft, step: Step) -> MultiValueDict:
    return MultiValueDict(dict(draft.answer(step.slug)))


def is_answered(draft: RequestDraft, step: Step) -> bool:
    return step.slug in draft.answers


def bound_form(draft: RequestDraft, step: Step, user: User) -> f.StepForm:
    """The page's form, bound to what was last typed on it, so it shows exactly that."""
    assert step.form is not None
    return step.form(data=stored_data(draft, step), draft=draft, user=user)


def cleaned_answers(
    draft: RequestDraft, user: User, steps: list[Step]
) -> tuple[dict[str, dict[str, Any]], list[Step]]:
    """The cleaned answers of every page, and the pages still to answer or correct."""
    cleaned: dict[str, dict[str, Any]] = {}
    problems: list[Step] = []
    for step in steps:
        if step.form is None:
            continue
        form = bound_form(draft, step, user)
        if form.is_valid():
            cleaned[step.slug] = form.cleaned_data
        else:
            problems.append(step)
    return cleaned, problems


def steps_of_route(route: str) -> list[Step]:
    """Every page of a request on this route, whoever answers it (a school's request has the
    school's pages and the parent's)."""
    return [s for s in STEPS if route in s.routes]


def all_cleaned(draft: RequestDraft, user: User) -> tuple[dict[str, dict[str, Any]], list[Step]]:
    """Every page of the request whoever answered it (the school's and the parent's parts)."""
    return cleaned_answers(draft, user, steps_of_route(draft.route))


def answer_sections(draft: RequestDraft, user: User, steps: list[Step]) -> list[dict[str, Any]]:
    """Each section's questions and answers as a person reads them (check answers, case page)."""
    sections: list[dict[str, Any]] = []
    for step in steps:
        if step.form is None:
            titles = ", ".join(d.title for d in draft.documents.all())
            rows = [{"key": "Files uploaded", "value": titles or "None", "ok": True}]
        else:
            form = bound_form(draft, step, user)
            if form.is_valid():
                rows = [
                    {
                        "key": str(field.label),
                        "value": f.display_value(field, form.cleaned_data.get(name)),
                        "ok": True,
                    }
                    for name, field in form.fields.items()
                ]
            else:
                rows = [{"key": step.title, "value": "Not answered yet", "ok": False}]
        for row in rows:
            row["step"] = step.slug
        if sections and sections[-1]["title"] == step.section:
            sections[-1]["rows"].extend(rows)
        else:
            sections.append({"title": step.section, "rows": rows})
    return sections
