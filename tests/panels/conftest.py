"""A small panel world: an area with a caseworker and manager (from tests/conftest.py), four
panel members of the disciplines panels need, and helpers to build meetings and papers."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Case, Document
from ehcp_portal.accounts.models import Discipline, Role, User
from panels.models import AgendaItem, Meeting, MeetingMember, PanelPaper, PanelType
from tests.factories import UserFactory

DISCIPLINES = [
    Discipline.EDUCATION,
    Discipline.EDUCATIONAL_PSYCHOLOGY,
    Discipline.HEALTH,
    Discipline.SOCIAL_CARE,
]


@pytest.fixture
def panellists(db) -> dict[str, User]:
    """One panel member per discipline; the education member chairs."""
    return {d: UserFactory(role=Role.PANEL_MEMBER, discipline=d) for d in DISCIPLINES}


# A transactional test (live server, concurrency) starts from whatever an earlier one's flush
# left: put back the panel types a data migration seeds (idempotent), rather than serialising
# the whole database.
_SEED = "panels.migrations.0002_seed_panel_types_and_funding_bands"


@pytest.fixture
def panel_types(team):  # `team` brings the database, whichever kind the test uses
    importlib.import_module(_SEED).seed(django_apps, None)


@pytest.fixture
def make_meeting(team, panellists, panel_types):
    def make(
        slug: str = "decision-to-assess",
        *,
        on: date | None = None,
        chair: User | None = None,
        members: list[User] | None = None,
        status: str = Meeting.Status.DRAFT,
        area=None,
    ) -> Meeting:
        chair = chair or panellists[Discipline.EDUCATION]
        meeting = Meeting.objects.create(
            panel_type=PanelType.objects.get(slug=slug),
            area=area or team.area,
            date=on or timezone.localdate(),
            chair=chair,
            status=status,
            published_at=timezone.now() if status != Meeting.Status.DRAFT else None,
        )
        for user in members if members is not None else list(panellists.values()):
            MeetingMember.objects.create(meeting=meeting, user=user, discipline=user.discipline)
        return meeting

    return make


@pytest.fixture
def make_paper(caseworker):
    def make(case: Case, slug: str = "decision-to-assess", evidence: bool = False) -> PanelPaper:
        paper = PanelPaper.objects.create(
            case=case,
            panel_type=PanelType.objects.get(slug=slug),
            summary=f"Summary for {case.reference}: needs in communication and interaction.",
            recommendation="Agree to assess.",
            author=caseworker,
        )
        if evidence:
            doc = Document(
                case=case,
                kind=Document.Kind.EVIDENCE,
                title="School SEN support plan",
                content_type="text/plain",
            )
            doc.file.save("support-plan.txt", ContentFile(b"SEN support plan"), save=False)
            doc.save()
            paper.evidence.add(doc)
        return paper

    return make


@pytest.fixture
def on_agenda(make_paper):
    def add(meeting: Meeting, case: Case, position: int = 1) -> AgendaItem:
        paper = make_paper(case, meeting.panel_type.slug, evidence=True)
        return AgendaItem.objects.create(meeting=meeting, paper=paper, case=case, position=position)

    return add


def hold(meeting: Meeting, *, absent: tuple[str, ...] = ()) -> Meeting:
    from panels.services import meeting_hold

    ids = [m.pk for m in meeting.members.all() if m.discipline not in absent]
    return meeting_hold(meeting=meeting, attended_ids=ids, actor=meeting.chair)
