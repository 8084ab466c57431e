"""Assignment, override, rebalancing and priority against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.assignment.decisions import AssignmentRefused, case_assign, case_assignment_override
from cases.assignment.models import AssignmentDecision, AssignmentRule, CaseworkerProfile
from cases.assignment.priorities import cases_priorities_recompute
from cases.assignment.queue import cases_unassigned_sweep
from cases.assignment.rebalancing import RebalanceChanged, caseload_rebalance, rebalance_plan
from cases.assignment.tasks import priorities_recompute
from cases.models import Case, CaseEvent, CouncilProfile, Stage
from cases.workflow import case_transition
from ehcp_portal.accounts.models import Role
from families.models import FamilyMembership
from notifications.models import Notification
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory, family_for

pytestmark = pytest.mark.django_db


def new_case(team, **kw):
    kw.setdefault("stage", Stage.RECEIVED)
    return CaseFactory(team=team, caseworker=None, **kw)


def test_assigns_by_the_rules_and_records_why(team, make_worker):
    busy_sibling_worker = make_worker(team, open_cases=3, specialisms=["early_years"])
    make_worker(team)  # empty caseload, nothing else in their favour
    sibling_case = Case.objects.filter(caseworker=busy_sibling_worker).first()
    parent = family_for(sibling_case)
    case = new_case(
        team, child=ChildFactory(date_of_birth=timezone.localdate() - timedelta(days=3 * 365))
    )
    family_for(case, parent)

    decision = case_assign(case=case)

    case.refresh_from_db()
    assert case.caseworker == busy_sibling_worker
    assert decision.caseworker == busy_sibling_worker
    assert decision.decided_by is None
    area = team.area.name
    assert decision.explanation == (
        f"Area: {area} (+40); capacity 3/40 (+28); specialism early years (+15); "
        "sibling continuity (+30)"
    )
    assert decision.runners_up[0]["total"] == 40 + 30
    event = case.events.get(kind="assigned")
    assert busy_sibling_worker.full_name in event.summary
    assert event.data["explanation"] == decision.explanation


def test_previous_caseworker_of_the_child_and_language_count(team, make_worker):
    old_worker = make_worker(team, open_cases=10)
    polish = make_worker(team, open_cases=10, languages=["Polish"])
    make_worker(team, open_cases=10)
    child = ChildFactory(home_language="Polish")
    CaseFactory(child=child, team=team, caseworker=old_worker, closed=True)
    assert case_assign(case=new_case(team, child=child)).caseworker == old_worker

    AssignmentRule.objects.filter(key="continuity").update(enabled=False)
    decision = case_assign(case=new_case(team, child=ChildFactory(home_language="Polish")))
    assert decision.caseworker == polish
    assert "speaks Polish (+10)" in decision.explanation


def test_nobody_eligible_leaves_the_case_in_the_queue_and_alerts_the_manager(
    team, manager, make_worker
):
    make_worker(team, taking_new_cases=False, not_taking_reason="absent")
    make_worker(TeamFactory())  # another area: not eligible while the area rule is hard
    case = new_case(team)

    decision = case_assign(case=case)

    case.refresh_from_db()
    assert case.caseworker is None and decision.caseworker is None
    assert decision.ineligible == {"not taking new cases": 1}
    alert = Notification.objects.get(recipient=manager, channel="in_app")
    assert alert.purpose == "assignment_unassigned"
    assert case.reference in alert.subject
    assert case.events.filter(kind="assignment_unassigned").exists()
    # Re-deciding is a new decision; the outbox key is per decision, so it alerts again once.
    case_assign(case=case)
    assert Notification.objects.filter(recipient=manager, channel="in_app").count() == 2


def test_area_rule_not_hard_falls_back_to_another_area(team, make_worker):
    elsewhere = make_worker(TeamFactory())
    AssignmentRule.objects.filter(key="area_match").update(hard=False)
    case = new_case(team)
    assert case_assign(case=case).caseworker == elsewhere
    case.refresh_from_db()
    assert case.team == elsewhere.team  # the caseworker's team now works it


def test_case_without_area_is_placed_by_postcode(team, make_worker):
    worker = make_worker(team)
    district = team.area.postcode_districts[0]
    case = new_case(team, child=ChildFactory(postcode=f"{district} 4XY"), area=None)
    assert case_assign(case=case).caseworker == worker
    case.refresh_from_db()
    assert case.area == team.area


def _assign_queries(team, make_worker, n_workers):
    for _ in range(n_workers):
        make_worker(team, open_cases=1)
    counts = []
    for _ in range(2):  # the first decision in the area reads its roster, the second does not
        case = new_case(team)
        family_for(case)
        with CaptureQueriesContext(connection) as ctx:
            case_assign(case=case)
        counts.append(len(ctx.captured_queries))
    return counts


def test_query_count_is_fixed_whatever_the_number_of_caseworkers(make_worker):
    few = _assign_queries(TeamFactory(), make_worker, 2)
    many = _assign_queries(TeamFactory(), make_worker, 25)
    # savepoint, case (locked), rules, family members, siblings, their cases, the candidates'
    # roster fingerprint with their open-case counts, insert decision, update case, insert
    # event, the feed's event (its lock, insert, the active webhook subscriptions), release
    # savepoint; and the roster itself the first time this process decides in the area.
    assert few == many == [15, 14]


def test_a_decision_sees_the_roster_as_it_is_now(team, make_worker):
    """The process keeps each area's roster (cases.assignment.facts), but a change to it is seen
    by the very next decision: a new caseworker, a profile, a count, the council's default."""
    busy = make_worker(team, open_cases=3)
    assert case_assign(case=new_case(team)).caseworker == busy  # the only one (now 4 cases)

    idle = make_worker(team, open_cases=2)  # joins the area
    assert case_assign(case=new_case(team)).caseworker == idle  # 2 of 40 beats 4 of 40
    assert case_assign(case=new_case(team)).caseworker == idle  # 3 still beats 4: counts read

    CaseworkerProfile.objects.filter(user=idle).update(taking_new_cases=False)
    assert case_assign(case=new_case(team)).caseworker == busy  # busy has 5 now

    CaseworkerProfile.objects.filter(user=idle).update(taking_new_cases=True, target_caseload=5)
    assert case_assign(case=new_case(team)).caseworker == busy  # idle: 4 of 5, busy: 6 of 40

    CaseworkerProfile.objects.filter(user=busy).delete()  # the council's default applies
    CouncilProfile.objects.update_or_create(pk=1, defaults={"default_target_caseload": 6})
    assert case_assign(case=new_case(team)).caseworker == idle  # busy: 6 of 6 is full


def test_every_load_gets_its_own_candidates(team, make_worker):
    """A cohort changes its candidates' counts as it goes: another load must not see that."""
    from cases.assignment.facts import candidates_load

    worker = make_worker(team, open_cases=2)
    first = candidates_load(area_ids=[team.area_id])
    first[0].open_cases += 10
    second = candidates_load(area_ids=[team.area_id])
    assert (second[0].user_id, second[0].open_cases) == (worker.pk, 2)
    assert first[0] is not second[0]


def test_manager_override_records_reason_event_and_tells_the_new_caseworker(
    team, manager, make_worker
):
    first = make_worker(team)
    second = make_worker(team, open_cases=30)
    case = new_case(team)
    case_assign(case=case)
    case.refresh_from_db()
    assert case.caseworker == first

    with pytest.raises(AssignmentRefused):
        case_assignment_override(case=case, caseworker=second, reason="  \x00 ", actor=manager)
    decision = case_assignment_override(
        case=case, caseworker=second, reason="Knows the family well", actor=manager
    )

    case.refresh_from_db()
    assert case.caseworker == second
    assert decision.kind == AssignmentDecision.Kind.OVERRIDE
    assert decision.decided_by == manager and decision.previous_caseworker == first
    assert decision.reason == "Knows the family well"
    event = case.events.get(kind="assignment_override")
    assert event.actor == manager and "Knows the family well" in event.summary
    assert Notification.objects.filter(recipient=second, purpose="case_assigned").exists()


def _leaving_worker_with_cases(team, make_worker, n=7):
    leaving = make_worker(team)
    for i in range(n):
        CaseFactory(team=team, caseworker=leaving, priority=i, needs=["ASD"] if i % 2 else [])
    return leaving


def test_rebalance_preview_equals_what_apply_does(team, manager, make_worker):
    leaving = _leaving_worker_with_cases(team, make_worker)
    asd = make_worker(team, open_cases=4, specialisms=["asd"])
    other = make_worker(team, open_cases=2)
    absent = make_worker(team, taking_new_cases=False, not_taking_reason="absent")

    preview = rebalance_plan(caseworker=leaving)
    proposed = {m.case_id: m.to_user_id for m in preview.moves}
    assert len(proposed) == 7
    assert set(proposed.values()) == {asd.pk, other.pk}  # spread, never the absent colleague
    assert absent.pk not in proposed.values()
    # Most urgent first.
    assert [m.priority for m in preview.moves] == sorted(
        (m.priority for m in preview.moves), reverse=True
    )

    applied = caseload_rebalance(
        caseworker=leaving,
        actor=manager,
        reason="Leaving at the end of the month",
        not_taking_reason=CaseworkerProfile.NotTakingReason.LEAVING,
        expected_fingerprint=preview.fingerprint,
    )

    assert applied.moves == preview.moves
    actual = dict(Case.objects.filter(pk__in=proposed).values_list("pk", "caseworker_id"))
    assert actual == proposed
    assert not Case.objects.filter(caseworker=leaving, is_open=True).exists()
    assert CaseEvent.objects.filter(kind="assignment_rebalanced", actor=manager).count() == 7
    assert (
        AssignmentDecision.objects.filter(kind="rebalance", previous_caseworker=leaving).count()
        == 7
    )
    leaving.assignment_profile.refresh_from_db()
    assert leaving.assignment_profile.taking_new_cases is False
    assert Notification.objects.filter(recipient=asd, purpose="cases_rebalanced").exists()


def test_rebalance_refuses_if_caseloads_changed_since_the_preview(team, manager, make_worker):
    leaving = _leaving_worker_with_cases(team, make_worker, n=3)
    make_worker(team)
    preview = rebalance_plan(caseworker=leaving)
    CaseFactory(team=team, caseworker=leaving)  # a new case arrives meanwhile

    with pytest.raises(RebalanceChanged):
        caseload_rebalance(
            caseworker=leaving,
            actor=manager,
            reason="Absent",
            expected_fingerprint=preview.fingerprint,
        )
    assert Case.objects.filter(caseworker=leaving, is_open=True).count() == 4


def test_rebalance_with_nobody_eligible_moves_cases_to_the_queue(team, manager, make_worker):
    leaving = _leaving_worker_with_cases(team, make_worker, n=2)
    plan = caseload_rebalance(caseworker=leaving, actor=manager, reason="Absent")
    assert len(plan.unassigned) == 2
    assert Case.objects.filter(area=team.area, caseworker__isnull=True).count() == 2


def test_priority_is_recomputed_on_every_case_event(team, caseworker):
    child = ChildFactory(looked_after=True)
    case = CaseFactory(team=team, caseworker=caseworker, child=child, stage=Stage.RECEIVED)
    assert case.priority == 0
    case_transition(case=case, action="start_deciding", actor=caseworker)
    case.refresh_from_db()
    labels = [r["label"] for r in case.priority_reasons]
    assert "looked-after child" in labels
    assert case.priority >= 50


def test_daily_recompute_follows_the_calendar_and_zeroes_closed_cases(team):
    open_case = CaseFactory(team=team, stage=Stage.RECEIVED)
    open_case.next_deadline_on = timezone.localdate() + timedelta(days=40)
    open_case.save()
    closed = CaseFactory(team=team, closed=True, priority=77)
    assert priorities_recompute() >= 1  # the Celery task, run in-process
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert open_case.priority == 0 and closed.priority == 0
    with time_machine.travel(timezone.now() + timedelta(days=35)):
        cases_priorities_recompute()
    open_case.refresh_from_db()
    assert open_case.priority == round(40 * 25 / 30)
    assert open_case.priority_reasons[0]["label"] == "next deadline in 5 days"


def test_daily_recompute_counts_agencies_from_active_consents(team):
    from families.models import Consent

    case = CaseFactory(team=team, needs=["ASD", "SLCN"])
    for party in ("ep", "health", "social_care"):
        Consent.objects.create(child=case.child, party=party)
    Consent.objects.create(child=case.child, party="setting", revoked_at=timezone.now())
    cases_priorities_recompute()
    case.refresh_from_db()
    assert {
        "indicator": "complexity",
        "label": "complexity: 2 needs, 3 agencies",
        "points": 20,
    } in (case.priority_reasons)


def test_unassigned_sweep_assigns_cases_that_never_had_a_decision(team, make_worker):
    worker = make_worker(team)
    case = new_case(team, child=ChildFactory(looked_after=True))
    assert cases_unassigned_sweep() == 1
    case.refresh_from_db()
    assert case.caseworker == worker
    assert case.priority == 50  # and its priority, as a new case
    assert cases_unassigned_sweep() == 0


def test_siblings_are_children_sharing_a_family_member(team, make_worker):
    worker = make_worker(team, open_cases=20)
    make_worker(team)
    parent = UserFactory(role=Role.PARENT)
    older = CaseFactory(team=team, caseworker=worker)
    FamilyMembership.objects.create(user=parent, child=older.child, relationship="parent")
    younger = new_case(team)
    FamilyMembership.objects.create(user=parent, child=younger.child, relationship="carer")
    decision = case_assign(case=younger)
    assert decision.caseworker == worker
    assert "sibling continuity" in decision.explanation
