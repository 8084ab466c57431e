"""Panels in the demo council: a panel member per discipline (the education member signs in),
and one published meeting per panel type in the first area, chaired by the demo panel member,
with every discipline seated and a few cases at the right stage. The first (decision to
assess) is today, so someone following the README can hold it and record a decision; the
others are upcoming."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.demo import DemoCouncil
from cases.models import Case
from ehcp_portal.accounts.models import Discipline, Role, User
from panels.models import AgendaItem, Meeting, MeetingMember, PanelPaper, PanelType

PANEL_DISCIPLINES = [
    Discipline.EDUCATION,
    Discipline.EDUCATIONAL_PSYCHOLOGY,
    Discipline.HEALTH,
    Discipline.SOCIAL_CARE,
]


def build_panel_members(council: DemoCouncil) -> list[User]:
    return [
        council.user(
            f"panel.{discipline}@demo.ehcp.test",
            council.name(),
            Role.PANEL_MEMBER,
            f"panel member ({Discipline(discipline).label})",
            login=discipline == Discipline.EDUCATION,
            discipline=discipline,
        )
        for discipline in PANEL_DISCIPLINES
    ]


def build_panels(council: DemoCouncil, members: list[User]) -> None:
    area = council.areas[0]
    chair = next(m for m in members if m.email == "panel.education@demo.ehcp.test")
    author = council.caseworkers[area.pk][0]
    now = timezone.now()
    for offset, panel_type in enumerate(PanelType.objects.filter(active=True).order_by("pk")):
        meeting = Meeting.objects.create(
            panel_type=panel_type,
            area=area,
            date=council.today if offset == 0 else council.today + timedelta(days=6 + offset),
            location="Merrion House, room 4 (and online)",
            chair=chair,
            status=Meeting.Status.PUBLISHED,
            published_at=now,
        )
        MeetingMember.objects.bulk_create(
            [MeetingMember(meeting=meeting, user=m, discipline=m.discipline) for m in members]
        )
        cases = Case.objects.filter(
            area=area, is_open=True, stage__in=panel_type.ready_stages
        ).order_by("next_deadline_on", "reference")[:3]
        papers = PanelPaper.objects.bulk_create(
            [
                PanelPaper(
                    case=case,
                    panel_type=panel_type,
                    summary=(
                        f"{case.get_stage_display()}. Needs: {', '.join(case.needs)}. "
                        "The setting has used SEN support for three terms with outside "
                        "advice; progress is slower than expected."
                    ),
                    recommendation=f"{panel_type.outcomes[0]['label']}.",
                    author=author,
                )
                for case in cases
            ]
        )
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=meeting, paper=paper, case=paper.case, position=i)
                for i, paper in enumerate(papers, start=1)
            ]
        )


def panels_reset() -> None:
    """Remove the demo's meetings and papers (before the cases they are about)."""
    Meeting.objects.all().delete()
    PanelPaper.objects.all().delete()
