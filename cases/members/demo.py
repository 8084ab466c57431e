"""Elected members in the demo council: a councillor per ward, and their casework
queries. The demo councillor has one about a case whose family consented to their involvement
and one whose family has not, plus one not yet matched to a case; other councillors' queries
across the wards are open, answered, late or unmatched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from cases.demo import DemoCouncil, demo_at
from cases.members.models import EnquiryCategory, EnquiryStatus, MemberEnquiry
from cases.members.sla import target_reply_on, working_days_between
from cases.models import Case, CaseEvent
from ehcp_portal.accounts.models import Role, User
from families.models import Consent

CONCERNS = {
    "delay": "The family has not heard whether the council will assess and the six "
    "weeks are nearly up.",
    "communication": "The parent says emails to the caseworker have not been answered.",
    "placement": "The family would like to know why their preferred school was not named.",
    "transport": "Transport to the special school has not been arranged for next term.",
    "tribunal": "The family is considering an appeal and wants to know the deadline.",
    "other": "The family would like a meeting with the SEN team.",
}


def build_councillors(council: DemoCouncil) -> None:
    """A councillor for every ward; the first ward's signs in as councillor@ and sits on the
    scrutiny board, so the demo shows the board's aggregate dashboard too."""
    for a_index, area in enumerate(council.areas):
        for w_index, ward in enumerate(council.wards[area.pk]):
            is_demo = a_index == 0 and w_index == 0
            council.user(
                "councillor@demo.ehcp.test" if is_demo else f"cllr.{ward.lower()}@demo.ehcp.test",
                f"Cllr {council.name()}",
                Role.ELECTED_MEMBER,
                f"councillor for {ward}" + (", on the scrutiny board" if is_demo else ""),
                login=is_demo,
                ward=ward,
                scrutiny_board=is_demo,
            )


@dataclass
class _Enquiries:
    """Enquiries and their case timeline events, collected for two bulk inserts."""

    council: DemoCouncil
    enquiries: list[MemberEnquiry] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)

    def add(self, member: User, case: Case | None, days_ago: int, **extra: Any) -> None:
        rng = self.council.rng
        received = self.council.today - timedelta(days=days_ago)
        category = extra.pop("category", rng.choice([c.value for c in EnquiryCategory]))
        child = case.child if case else None
        enquiry = MemberEnquiry(
            member=member,
            member_ward=member.ward,
            case_reference_given=case.reference if case and rng.random() < 0.5 else "",
            parent_name=extra.pop("parent_name", self.council.name()),
            child_name=child.full_name if child else extra.pop("child_name", ""),
            child_date_of_birth=child.date_of_birth if child else None,
            address=child.address + f" {child.postcode}" if child else "",
            category=category,
            concern=CONCERNS[category],
            declared_constituent_asked=True,
            received_on=received,
            target_reply_on=target_reply_on(received),
            area=case.area if case else None,
            case=case,
            matched_at=timezone.now() if case else None,
            created_at=demo_at(received),
            **extra,
        )
        self._progress(enquiry, case)
        self.enquiries.append(enquiry)
        if case:
            self.events.append(
                CaseEvent(
                    case=case,
                    kind="member_enquiry",
                    family_visible=True,
                    summary=f"{member.get_full_name()}, elected member for {member.ward}, "
                    "asked us about this request",
                    created_at=demo_at(received),
                )
            )

    def _progress(self, enquiry: MemberEnquiry, case: Case | None) -> None:
        """An assigned or answered query has an officer; an answered one, its reply times."""
        if enquiry.status in (EnquiryStatus.ASSIGNED, EnquiryStatus.ANSWERED) and case:
            assert case.area_id is not None  # every demo case has an area
            enquiry.assigned_officer = enquiry.assigned_officer or (
                case.caseworker or self.council.caseworkers[case.area_id][0]
            )
        if enquiry.status == EnquiryStatus.ANSWERED:
            today = self.council.today
            enquiry.replied_on = min(today, enquiry.replied_on or today)
            enquiry.replied_at = demo_at(enquiry.replied_on)
            enquiry.replied_by = enquiry.assigned_officer
            enquiry.reply_working_days = working_days_between(
                enquiry.received_on, enquiry.replied_on
            )

    def save(self) -> None:
        MemberEnquiry.objects.bulk_create(self.enquiries)
        CaseEvent.objects.bulk_create(self.events)


def build_member_enquiries(council: DemoCouncil) -> None:
    made = _Enquiries(council)
    councillor = User.objects.get(email="councillor@demo.ehcp.test")
    _demo_councillor_enquiries(council, made, councillor)
    ward_area = {w: a for a in council.areas for w in council.wards[a.pk]}
    members = User.objects.filter(role=Role.ELECTED_MEMBER).exclude(pk=councillor.pk)
    for member in members.order_by("email"):
        area = ward_area.get(member.ward)
        area_cases = (
            list(
                Case.objects.filter(area=area, is_open=True)
                .select_related("child", "caseworker")
                .order_by("id")[:40]
            )
            if area
            else []
        )
        if area_cases:
            _ward_enquiries(council, made, member, area_cases)
    made.save()


def _demo_councillor_enquiries(council: DemoCouncil, made: _Enquiries, councillor: User) -> None:
    parent = User.objects.get(email="parent@demo.ehcp.test")
    demo_cases = list(
        Case.objects.filter(child__memberships__user=parent)
        .select_related("child", "caseworker")
        .order_by("reference")[:2]
    )
    if demo_cases:
        case = demo_cases[0]
        made.add(
            councillor,
            case,
            3,
            category="delay",
            parent_name=parent.full_name,
            status=EnquiryStatus.ASSIGNED,
        )
        Consent.objects.create(
            child=case.child,
            party=Consent.Party.ELECTED_MEMBER,
            member=councillor,
            detail=f"Elected member query about {case.reference}",
            given_by=parent,
        )
    if len(demo_cases) > 1:
        made.add(
            councillor,
            demo_cases[1],
            16,
            category="communication",
            parent_name=parent.full_name,
            status=EnquiryStatus.ANSWERED,
            reply="Thank you for raising this. The caseworker has called the family and "
            "agreed to send weekly updates until the plan is finalised.",
            replied_on=council.today - timedelta(days=5),
        )
    # An unmatched query by name and date of birth, waiting for triage.
    made.add(councillor, None, 1, category="transport", child_name=council.name())


def _ward_enquiries(
    council: DemoCouncil, made: _Enquiries, member: User, area_cases: list[Case]
) -> None:
    rng = council.rng
    for _ in range(rng.randint(1, 3)):
        case = rng.choice(area_cases)
        days_ago = rng.randint(1, 60)
        roll = rng.random()
        if roll < 0.45:
            late = rng.random() < 0.25
            replied_on: date = council.today - timedelta(
                days=max(0, days_ago - rng.randint(3, 20 if late else 12))
            )
            made.add(
                member,
                case,
                days_ago,
                status=EnquiryStatus.ANSWERED,
                reply="We have looked into this and written to the family with an update.",
                replied_on=replied_on,
            )
        elif roll < 0.8:
            made.add(member, case, days_ago, status=EnquiryStatus.ASSIGNED)
        else:
            made.add(member, case, min(days_ago, 4))


def members_reset() -> None:
    """Remove the demo's member enquiries (before the cases they are about)."""
    MemberEnquiry.objects.all().delete()
