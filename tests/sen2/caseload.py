"""A small caseload built by hand, one case per category of the SEN2 return and a few that fall
outside it, for reference date 15 January 2026 (activity in calendar year 2025)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.casework.models import Dispute
from cases.models import Case, CaseEvent, CouncilProfile, DeadlineException, Stage
from cases.plans.models import Placement, Plan
from families.models import Child
from tests.factories import CaseFactory, ChildFactory, SettingFactory

R = date(2026, 1, 15)


@dataclass
class Caseload:
    cases: dict[str, Case]
    children: dict[str, Child]


def _child(surname: str, **extra) -> Child:
    return ChildFactory(
        last_name=surname,
        first_name="Test",
        date_of_birth=date(2014, 5, 1),
        sex="F",
        ethnicity="WBRI",
        upn="B201567815001",
        **extra,
    )


def build_caseload() -> Caseload:
    profile = CouncilProfile.current()
    profile.la_code = "383"
    profile.designated_medical_officer = profile.designated_clinical_officer = "Y"
    profile.designated_social_care_officer = "Y"
    profile.save()
    school = SettingFactory(urn="123456")
    college = SettingFactory(urn="10012345", name="City College")  # 8 digits: a UKPRN
    children = {name: _child(name) for name in ("Active", "Historic", "Ceased", "Sibling",
                                                 "Refused", "Withdrawn", "Issuing", "Assessing",
                                                 "Later", "Old")}  # fmt: skip
    c: dict[str, Case] = {}
    c["active"] = CaseFactory(
        child=children["Active"],
        route="school",
        request_source="2",
        received_on=date(2025, 2, 10),
        assessment_decision_on=date(2025, 3, 20),
        issue_decision_on=date(2025, 6, 9),
        final_issued_on=date(2025, 6, 27),
        stage=Stage.MAINTAINED,
        needs=["ASD", "SLCN"],
    )
    plan = Plan.objects.create(
        case=c["active"],
        status=Plan.Status.FINAL,
        named_setting=school,
        in_resourced_provision=True,
        personal_budget=True,
        direct_payments="S",
    )
    Placement.objects.create(
        case=c["active"], setting=school, entry_date=date(2025, 9, 3), in_resourced_provision=True
    )
    Placement.objects.create(case=c["active"], setting=college, rank=2, entry_date=date(2025, 9, 3))
    DeadlineException.objects.create(
        case=c["active"],
        deadline_key="final_plan",
        reason="personal_circumstances",
        starts_on=date(2025, 4, 1),
        evidence="Hospital stay",
        family_told_on=date(2025, 4, 2),
    )
    event = CaseEvent.objects.create(case=c["active"], kind="issue_final", summary="Final plan")
    Dispute.objects.create(
        case=c["active"],
        decision_event=event,
        decision_on=date(2025, 6, 27),
        mediation_contacted_on=date(2025, 7, 10),
    )
    assert plan.pk
    c["historic"] = CaseFactory(
        child=children["Historic"],
        route="family",
        request_source="1",
        received_on=date(2019, 12, 1),
        assessment_decision_on=date(2020, 1, 10),
        issue_decision_on=date(2020, 3, 1),
        final_issued_on=date(2020, 5, 1),
        stage=Stage.MAINTAINED,
        needs=["SEMH"],
        review_meeting_on=date(2025, 4, 10),
        last_review_decision_on=date(2025, 4, 20),
    )
    Placement.objects.create(case=c["historic"], sen_setting="OLA", entry_date=date(2020, 5, 1))
    c["ceased"] = CaseFactory(
        child=children["Ceased"],
        request_source="1",
        received_on=date(2021, 9, 1),
        assessment_decision_on=date(2021, 10, 1),
        issue_decision_on=date(2021, 12, 1),
        final_issued_on=date(2022, 1, 20),
        stage=Stage.CEASED,
        is_open=False,
        closed_on=date(2025, 7, 1),
        cease_reason="3",
    )
    Placement.objects.create(
        case=c["ceased"],
        setting=college,
        entry_date=date(2022, 1, 20),
        leaving_date=date(2025, 7, 1),
    )
    c["not_issuing"] = CaseFactory(
        child=children["Sibling"],
        request_source="1",
        received_on=date(2025, 1, 6),
        assessment_decision_on=date(2025, 2, 1),
        issue_decision_on=date(2025, 5, 1),
        stage=Stage.NOT_ISSUING,
        is_open=False,
        closed_on=date(2025, 5, 1),
    )
    c["not_assessing"] = CaseFactory(
        child=children["Refused"],
        request_source="3",
        received_on=date(2025, 3, 1),
        assessment_decision_on=date(2025, 4, 10),
        stage=Stage.NOT_ASSESSING,
        is_open=False,
        closed_on=date(2025, 4, 10),
    )
    c["withdrawn"] = CaseFactory(
        child=children["Withdrawn"],
        request_source="1",
        received_on=date(2025, 8, 1),
        stage=Stage.WITHDRAWN,
        is_open=False,
        closed_on=date(2025, 9, 1),
    )
    c["issuing"] = CaseFactory(
        child=children["Issuing"],
        request_source="4",
        received_on=date(2025, 7, 1),
        assessment_decision_on=date(2025, 8, 1),
        issue_decision_on=date(2025, 12, 1),
        stage=Stage.DRAFTING,
    )
    c["assessing"] = CaseFactory(
        child=children["Assessing"],
        request_source="1",
        received_on=date(2025, 9, 15),
        assessment_decision_on=date(2025, 11, 1),
        stage=Stage.ASSESSING,
    )
    # The sibling's child asked again: one person, two requests.
    c["request"] = CaseFactory(
        child=children["Sibling"], request_source="1", received_on=date(2026, 1, 5)
    )
    # Out of scope: received after the reference date; refused and ceased before the year.
    CaseFactory(child=children["Later"], received_on=date(2026, 2, 1))
    CaseFactory(
        child=children["Old"],
        received_on=date(2024, 3, 1),
        assessment_decision_on=date(2024, 4, 1),
        stage=Stage.NOT_ASSESSING,
        is_open=False,
        closed_on=date(2024, 4, 1),
    )
    CaseFactory(
        child=children["Old"],
        received_on=date(2019, 3, 1),
        final_issued_on=date(2019, 9, 1),
        stage=Stage.CEASED,
        is_open=False,
        closed_on=date(2024, 12, 31),
        cease_reason="2",
    )
    return Caseload(cases=c, children=children)
