"""The dashboard's figures reconcile: a small caseload built by hand, every number worked out
on paper first, then read from the figures, the page and the cases behind each figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.advice.models import AdviceRequest
from cases.assignment.rules import DEFAULT_FTE, DEFAULT_TARGET_CASELOAD, caseworker_capacity
from cases.casework.models import Dispute
from cases.members.models import EnquiryStatus, MemberEnquiry
from cases.models import Case, CaseEvent, DeadlineException, ExceptionReason, Route, Stage
from cases.plans.models import Plan, Review
from cases.reporting.figures import Figure, cases_behind, figures_compute
from cases.reporting.measures import Rate
from cases.reporting.periods import period_from_key
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory

TODAY = date(2025, 12, 1)
PERIOD = period_from_key("calendar-2025")


def _exception(case: Case, key: str) -> None:
    DeadlineException.objects.create(
        case=case,
        deadline_key=key,
        reason=ExceptionReason.ABSENCE,
        starts_on=case.received_on,
        ends_on=case.received_on + timedelta(days=40),
        evidence="Away caring for a grandparent",
        family_told_on=case.received_on + timedelta(days=41),
    )


@dataclass
class Caseload:
    team: object
    caseworker: object
    manager: object
    cases: dict[str, Case]


@pytest.fixture
def caseload(db) -> Caseload:
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team, full_name="Sam Lee")
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team)

    def case(name: str, **fields) -> Case:
        fields.setdefault("caseworker", None)
        return CaseFactory(team=team, reference=f"EHC-2025-{name}", **fields)

    jan = date(2025, 1, 6)  # a Monday
    c1 = case(
        "000001",
        caseworker=caseworker,
        route=Route.FAMILY,
        received_on=jan,
        assessment_decision_on=date(2025, 2, 10),  # within 6 weeks (17 Feb)
        final_issued_on=date(2025, 5, 20),  # within 20 weeks (26 May)
        stage=Stage.MAINTAINED,
        next_deadline_on=date(2026, 5, 20),
        next_deadline_key="annual_review",
    )
    c2 = case(
        "000002",
        caseworker=caseworker,
        route=Route.SCHOOL,
        received_on=jan,
        assessment_decision_on=date(2025, 3, 3),  # late
        final_issued_on=date(2025, 7, 1),  # late
        stage=Stage.FINAL_ISSUED,
        next_deadline_on=date(2025, 11, 20),  # 11 days past: up to 4 weeks
        next_deadline_key="annual_review",
    )
    c3 = case(
        "000003",
        caseworker=caseworker,
        route=Route.SCHOOL,
        received_on=jan,
        assessment_decision_on=date(2025, 3, 3),  # late, with an exception
        stage=Stage.ASSESSING,
        next_deadline_on=date(2025, 8, 1),  # 122 days past: more than 12 weeks
        next_deadline_key="advice",
    )
    _exception(c3, "decision_to_assess")
    _exception(c3, "advice")
    c4 = case(
        "000004",
        route=Route.ASSISTED,
        received_on=date(2025, 2, 3),
        assessment_decision_on=date(2025, 3, 10),  # on time (17 Mar)
        issue_decision_on=date(2025, 5, 19),  # not to issue, within 16 weeks (26 May)
        stage=Stage.NOT_ISSUING,
        is_open=False,
    )
    c8 = case(
        "000008",
        route=Route.FAMILY,
        received_on=date(2025, 6, 2),
        assessment_decision_on=date(2025, 7, 7),  # not to assess, on time (14 Jul)
        stage=Stage.NOT_ASSESSING,
        is_open=False,
    )
    # Plans made in 2024, transferring phase in September 2025.
    earlier = {"received_on": date(2024, 3, 4), "stage": Stage.MAINTAINED}
    c5 = case(
        "000005",
        **earlier,
        phase_transfer_year=2025,
        phase_transfer_amended_on=date(2025, 1, 20),  # by 15 February: on time
        next_deadline_on=date(2025, 10, 1),  # 61 days past: 4 to 12 weeks
        next_deadline_key="annual_review",
    )
    c6 = case(
        "000006",
        **earlier,
        phase_transfer_year=2025,  # never amended: late
        next_deadline_on=date(2025, 12, 10),  # due in the second week ahead
        next_deadline_key="annual_review",
    )
    c7 = case(
        "000007",
        **earlier,
        phase_transfer_year=2025,
        phase_transfer_post16=True,
        phase_transfer_amended_on=date(2025, 4, 10),  # after 31 March: late
        next_deadline_on=date(2025, 10, 20),
        next_deadline_key="final_plan",
        next_deadline_excepted=True,  # past, but excepted: not a breach
    )
    # Reviews: two decided (one on time), one amended within 12 weeks of its meeting.
    plan5 = Plan.objects.create(case=c5, status=Plan.Status.FINAL)
    plan6 = Plan.objects.create(case=c6, status=Plan.Status.FINAL)
    plan7 = Plan.objects.create(case=c7, status=Plan.Status.FINAL)
    june = date(2025, 6, 1)
    Review.objects.create(
        plan=plan5, review_from=date(2024, 6, 1), due_on=june, decision_on=date(2025, 5, 20)
    )
    Review.objects.create(
        plan=plan6, review_from=date(2024, 6, 1), due_on=june, decision_on=date(2025, 6, 10)
    )
    Review.objects.create(
        plan=plan7,
        review_from=date(2024, 4, 1),
        due_on=date(2025, 4, 1),
        meeting_on=date(2025, 3, 1),
        decision_on=date(2025, 3, 20),
        amended_issued_on=date(2025, 5, 10),  # within 12 weeks of 1 March (24 May)
    )
    # Advice: EP on time; health late twice, once with an exception; a declined one not counted.
    advice_giver = UserFactory(role=Role.ADVICE_GIVER)

    def advice(case_: Case, source: str, requested: date, responded: date, state: str) -> None:
        AdviceRequest.objects.create(
            case=case_,
            source=source,
            addressee=advice_giver,
            requested_on=requested,
            due_on=requested,
            responded_on=responded,
            state=state,
        )

    feb = date(2025, 2, 12)
    advice(c1, "ep", feb, date(2025, 3, 20), AdviceRequest.State.RECEIVED)
    advice(c1, "health", feb, date(2025, 4, 1), AdviceRequest.State.RECEIVED)
    advice(c3, "health", feb, date(2025, 4, 1), AdviceRequest.State.RECEIVED)
    advice(c3, "social_care", feb, date(2025, 3, 1), AdviceRequest.State.DECLINED)
    # A dispute of c2's final plan: mediation, then an appeal the family won.
    event = CaseEvent.objects.create(case=c2, kind="issue_final", summary="Final plan issued")
    Dispute.objects.create(
        case=c2,
        decision_event=event,
        decision_on=date(2025, 7, 5),
        mediation_contacted_on=date(2025, 7, 20),
        appeal_registered_on=date(2025, 9, 1),
        outcome=Dispute.Outcome.ALLOWED,
    )
    # Members' enquiries: one answered on time, one late, one open past its target.
    member = UserFactory(role=Role.ELECTED_MEMBER)

    def enquiry(received: date, target: date, replied: date | None) -> None:
        MemberEnquiry.objects.create(
            member=member,
            category="delay",
            concern="c",
            received_on=received,
            target_reply_on=target,
            area=team.area,
            replied_on=replied,
            status=EnquiryStatus.ANSWERED if replied else EnquiryStatus.RECEIVED,
            reply="Reply" if replied else "",
        )

    enquiry(date(2025, 3, 3), date(2025, 3, 17), date(2025, 3, 14))
    enquiry(date(2025, 3, 3), date(2025, 3, 17), date(2025, 3, 20))
    enquiry(date(2025, 11, 3), date(2025, 11, 17), None)
    # Outside the figures: another area's case, and a request from 2024 in the previous period.
    CaseFactory(
        received_on=jan, assessment_decision_on=date(2025, 2, 1), final_issued_on=date(2025, 5, 1)
    )
    return Caseload(
        team,
        caseworker,
        manager,
        dict(zip("12345678", (c1, c2, c3, c4, c5, c6, c7, c8), strict=True)),
    )


def _by_key(rows):
    return {
        row["key"]: (row["total"], row["on_time"], row["total_excl"], row["on_time_excl"])
        for row in rows
    }


def test_every_figure_of_a_hand_built_caseload(caseload):
    figures = figures_compute(area_id=caseload.team.area_id, period=PERIOD, today=TODAY)
    assert _by_key(figures["timeliness"]) == {
        # c1, c4, c8 on time; c2 late; c3 late with an exception (out of both excl. figures)
        "decision_to_assess": (5, 3, 4, 3),
        "decision_not_to_issue": (1, 1, 1, 1),  # c4
        "final_plan": (2, 1, 2, 1),  # c1 on time, c2 late
        "annual_review": (3, 2, 3, 2),  # c5 and c7 by their due date, c6 after it
        "amended_plan": (1, 1, 1, 1),  # c7
        "phase_transfer": (2, 1, 2, 1),  # c5 amended by 15 February, c6 never
        "phase_transfer_post16": (1, 0, 1, 0),  # c7 amended after 31 March
    }
    assert _by_key(figures["advice"]) == {
        "advice_setting": (0, 0, 0, 0),
        "advice_health": (2, 0, 1, 0),  # both late; c3's has an exception
        "advice_social_care": (0, 0, 0, 0),  # declined: no advice to count
        "advice_ep": (1, 1, 1, 1),
    }
    requests = figures["requests"]
    assert requests["total"] == 5 and requests["previous_total"] == 3
    assert requests["by_route"] == {"family": 2, "school": 2, "assisted": 1}
    weeks = {w["week"]: w["total"] for w in requests["weeks"] if w["total"]}
    assert weeks == {"2025-01-06": 3, "2025-02-03": 1, "2025-06-02": 1}
    assert len(requests["weeks"]) == 53  # every week of 2025, from Monday 30 December 2024
    assert figures["conversion"] == {
        "received": 5,
        "decided": 5,
        "assessed": 4,
        "not_assessed": 1,
        "plans": 2,
    }
    backlog = {row["stage"]: (row["open"], row["past"], row["bands"]) for row in figures["backlog"]}
    assert backlog == {
        "assessing": (1, 1, [0, 0, 1]),  # c3, 122 days past
        "final_issued": (1, 1, [1, 0, 0]),  # c2, 11 days past
        "maintained": (4, 1, [0, 1, 0]),  # c1, c5 (61 days past), c6, c7 (excepted)
    }
    capacity = figures["capacity"]
    full = caseworker_capacity(DEFAULT_FTE, DEFAULT_TARGET_CASELOAD)
    assert capacity["caseworkers"] == [
        {"name": "Sam Lee", "team": str(caseload.team), "open": 3, "capacity": full}
    ]
    assert capacity["teams"][0]["open"] == 3 and capacity["teams"][0]["caseworkers"] == 1
    forecast = figures["forecast"]
    assert forecast["rows"] == [
        {
            "key": "annual_review",
            "label": "Annual review completed",
            "weeks": [0, 1, 0, 0],
            "total": 1,
        }
    ]
    assert forecast["totals"] == [0, 1, 0, 0]
    [dispute] = figures["disputes"]
    assert (dispute["cause"], dispute["total"], dispute["mediation"], dispute["appeals"]) == (
        "issue_final",
        1,
        1,
        1,
    )
    assert dispute["outcomes"]["allowed"] == 1 and sum(dispute["outcomes"].values()) == 1
    enquiries = figures["enquiries"]
    assert (enquiries["received"], enquiries["answered"], enquiries["on_time"]) == (3, 2, 1)
    assert (enquiries["open"], enquiries["overdue"]) == (1, 1)


def _refs(qs) -> set[str]:
    return {ref[-1] for ref in qs.values_list("reference", flat=True)}


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (Figure("decision_to_assess"), set("12348")),
        (Figure("decision_to_assess", "on_time"), set("148")),
        (Figure("decision_to_assess", "late"), set("23")),
        (Figure("decision_to_assess", "excepted"), {"3"}),
        (Figure("decision_to_assess", "counted"), set("1248")),
        (Figure("decision_to_assess", "counted_on_time"), set("148")),
        (Figure("advice_health", "counted"), {"1"}),
        (Figure("final_plan", "late"), {"2"}),
        (Figure("annual_review", "late"), {"6"}),
        (Figure("phase_transfer", "on_time"), {"5"}),
        (Figure("phase_transfer_post16", "late"), {"7"}),
        (Figure("advice_health", "excepted"), {"3"}),
        (Figure("requests", "all", "school"), {"2", "3"}),
        (Figure("requests", "all", "2025-01-06"), set("123")),
        (Figure("requests", "all", "previous"), set("567")),
        (Figure("conversion", "not_assessed"), {"8"}),
        (Figure("conversion", "plans"), {"1", "2"}),
        (Figure("backlog", "past"), {"2", "3", "5"}),
        (Figure("backlog", "band1", "maintained"), {"5"}),
        (Figure("forecast", "week1"), {"6"}),
        (Figure("disputes", "allowed", "issue_final"), {"2"}),
    ],
)
def test_each_figure_links_to_exactly_its_cases(caseload, figure, expected):
    cases = cases_behind(figure, area_id=caseload.team.area_id, period=PERIOD, today=TODAY)
    assert _refs(cases) == expected


@pytest.mark.parametrize(
    "figure",
    [
        Figure("nothing"),
        Figure("final_plan", "sideways"),
        Figure("backlog", "band9"),
        Figure("backlog", "all", "no_stage"),
        Figure("forecast", "week4"),
        Figure("requests", "all", "not-a-week"),
        Figure("disputes", "won"),
    ],
)
def test_a_figure_that_does_not_exist_has_no_cases(caseload, figure):
    assert cases_behind(figure, area_id=None, period=PERIOD, today=TODAY) is None


def test_the_page_shows_the_same_numbers_and_links_to_them(client, caseload):
    client.force_login(caseload.manager)
    with time_machine.travel(TODAY):
        response = client.get(reverse("reporting:dashboard"), {"period": "calendar-2025"})
        assert response.status_code == 200
        rates = response.context["rates"]
        assert rates["decision_to_assess"] == Rate(5, 3, 4, 3)
        assert rates["decision_to_assess"].percent_including == 60.0
        assert rates["decision_to_assess"].percent_excluding == 75.0
        body = response.content.decode()
        assert "Calendar year 2025" in body
        link = (
            reverse("reporting:cases")
            + f"?period=calendar-2025&amp;area={caseload.team.area_id}"
            + "&amp;figure=decision_to_assess&amp;part=excepted"
        )
        assert f'<a class="govuk-link" href="{link}">1</a>' in body
        listed = client.get(link.replace("&amp;", "&"))
        assert listed.status_code == 200
        assert [c.reference for c in listed.context["page"].object_list] == ["EHC-2025-000003"]


def test_dfe_2019_national_figures_reproduce():
    """The DfE's 2019 national figures for final plans within 20 weeks (SEN2): 58.7% including
    exceptions, 60.4% excluding them, from the published counts."""
    rate = Rate(total=53_327, on_time=31_313, total_excl=49_519, on_time_excl=29_895)
    assert rate.percent_including == 58.7
    assert rate.percent_excluding == 60.4
    assert rate.excepted == 3_808


def test_a_period_with_no_phase_transfer_date_counts_none(caseload):
    november = period_from_key("month-2025-11")
    figures = figures_compute(area_id=caseload.team.area_id, period=november, today=TODAY)
    rows = _by_key(figures["timeliness"])
    assert rows["phase_transfer"] == rows["phase_transfer_post16"] == (0, 0, 0, 0)
    february = period_from_key("month-2025-02")
    figures = figures_compute(area_id=caseload.team.area_id, period=february, today=TODAY)
    assert _by_key(figures["timeliness"])["phase_transfer"] == (2, 1, 2, 1)
