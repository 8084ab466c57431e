"""One case, one truth: every reader of a case's clock agrees on an excepted deadline.

A caseworker records a reg 10(4) exception against a missed 20-week deadline from the case
page; then the case page, the family tracker, the API, the caseload's overdue filter, the
priority score, the sweep, the team page and the timeliness report are each read as their user
would, and each says "excepted", never "missed" or "overdue". Before the one reader, the tracker
said the council was late and apologised, the API said "missed", the overdue filter listed the
case, the priority score counted it overdue and the team page counted it as a breach.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework.sweep import statutory_sweep
from cases.deadlines import case_deadlines
from cases.models import Case, ExceptionReason, Stage
from cases.services import case_refresh_deadline
from notifications.models import Notification
from tests.factories import CaseFactory, family_for


def _date(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}_0": str(d.day), f"{prefix}_1": str(d.month), f"{prefix}_2": str(d.year)}


def _late_drafting_case(team, caseworker, **facts) -> Case:
    """A plan being drafted whose 20-week deadline (reg 13(2)) passed 4 weeks ago."""
    today = timezone.localdate()
    received = today - timedelta(weeks=24)
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=received,
        assessment_decision_on=received + timedelta(weeks=5),
        advice_requested_on=received + timedelta(weeks=5),
        advice_completed_on=received + timedelta(weeks=10),
        issue_decision_on=received + timedelta(weeks=14),
        **facts,
    )
    case_refresh_deadline(case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def excepted_case(client, team, caseworker, manager):
    """The case, with the exception recorded through the case page by its caseworker."""
    today = timezone.localdate()
    case = _late_drafting_case(team, caseworker)
    assert case.next_deadline_key == "final_plan" and not case.next_deadline_excepted
    client.force_login(caseworker)
    response = client.post(
        reverse("casework:deadline_exception_add", args=[case.reference, "final_plan"]),
        {
            "reason": ExceptionReason.ABSENCE,
            **_date("starts_on", today - timedelta(weeks=12)),
            **_date("ends_on", today - timedelta(weeks=6)),
            "evidence": "The family was abroad for six weeks; tickets on file.",
            **_date("family_told_on", today - timedelta(days=20)),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    return case


def test_every_reader_of_the_clock_says_excepted(client, excepted_case, caseworker, manager):
    case = excepted_case
    today = timezone.localdate()
    told = f"{today - timedelta(days=20):%-d %B %Y}"

    # The denormalised next deadline: recording the exception refreshed the case.
    assert case.next_deadline_key == "final_plan" and case.next_deadline_excepted

    # 1. The staff case page.
    client.force_login(caseworker)
    page = client.get(reverse("casework:case_detail", args=[case.reference]))
    staff = {d.key: d.status for d in page.context["deadlines"]}
    assert staff["final_plan"] == "excepted"

    # 2. The family tracker: plain words, which reason and when they were told; no apology.
    parent = family_for(case)
    client.force_login(parent)
    tracker = client.get(reverse("families:track", args=[case.reference]))
    family = {d.key: d.status for d in tracker.context["deadlines"]}
    assert family["final_plan"] == "excepted"
    html = tracker.content.decode()
    assert "Exception applies" in html
    assert "away from the area for at least 4 weeks" in html
    assert f"We told you about this on {told}" in html
    assert "Missed" not in html and "we are late" not in html and "sorry" not in html
    assert "away from the area" in tracker.context["summary"].must_act_by

    # 3. The JSON API.
    client.force_login(caseworker)
    detail = client.get(f"/api/v1/cases/{case.reference}/").json()
    api = {d["key"]: d for d in detail["deadlines"]}
    assert api["final_plan"]["status"] == "excepted" and api["final_plan"]["excepted"]
    assert api["final_plan"]["exceptions"][0]["reason"] == ExceptionReason.ABSENCE
    assert detail["next_deadline_excepted"] is True

    # 4. The caseload's "overdue" filter: not overdue; a plain missed case is.
    missed = _late_drafting_case(case.team, caseworker)
    overdue = client.get(reverse("casework:caseload"), {"due": "overdue"})
    listed = {c.reference for c, _ in overdue.context["rows"]}
    assert missed.reference in listed and case.reference not in listed
    everything = client.get(reverse("casework:caseload"))
    flags = {c.reference: [f.label for f in fl] for c, fl in everything.context["rows"]}
    assert "Exception recorded" in flags[case.reference]

    # 5. The priority score: the deadline still counts, but not as overdue.
    labels = [r["label"] for r in case.priority_reasons]
    assert any("exception recorded" in label for label in labels)
    assert not any("overdue" in label for label in labels)

    # 6. The sweep: the plain missed case is a breach for the manager, the excepted one is not.
    statutory_sweep(today=today)
    breaches = Notification.objects.filter(purpose="deadline_breach", recipient=manager)
    assert set(breaches.values_list("case_id", flat=True)) == {missed.pk}

    # 7. The team page: the caseworker has one breach (the missed case), not two.
    client.force_login(manager)
    loads = client.get(reverse("casework:team")).context["loads"]
    assert {load.caseworker.pk: load.breaches for load in loads}[caseworker.pk] == 1

    # 8. The timeliness report, with and without exceptions (the plan is issued late today).
    Case.objects.filter(pk=case.pk).update(final_issued_on=today, stage=Stage.FINAL_ISSUED)
    client.force_login(manager)
    dashboard = reverse("reporting:dashboard")
    rates = client.get(dashboard, {"period": f"calendar-{today.year}"}).context["rates"]
    report = rates["final_plan"]
    assert (report.total, report.on_time, report.excepted) == (1, 0, 1)
    assert report.total_excl == 0


def test_the_sweep_and_the_page_read_the_same_clock(excepted_case):
    """The sweep reads plain rows with the exception keys (a bulk caller); the page reads the
    case: the same function, the same answer."""
    case = Case.objects.prefetch_related("deadline_exceptions").get(pk=excepted_case.pk)
    from types import SimpleNamespace

    from cases.casework.sweep.deadlines import CASE_FIELDS

    row = SimpleNamespace(pk=case.pk, **{f: getattr(case, f) for f in CASE_FIELDS if f != "id"})
    bulk = {d.key: d.status for d in case_deadlines(row, excepted_keys=["final_plan"])}  # type: ignore[arg-type]
    assert bulk == {d.key: d.status for d in case_deadlines(case)}


def test_a_missed_deadline_without_an_exception_still_says_late_to_the_family(
    client, team, caseworker
):
    case = _late_drafting_case(team, caseworker)
    parent = family_for(case)
    client.force_login(parent)
    tracker = client.get(reverse("families:track", args=[case.reference]))
    assert "we are late" in tracker.context["summary"].must_act_by
    assert {d.key: d.status for d in tracker.context["deadlines"]}["final_plan"] == "missed"


def test_the_case_page_reads_exceptions_without_a_query_per_deadline(
    client, excepted_case, caseworker, django_assert_max_num_queries
):
    client.force_login(caseworker)
    url = reverse("casework:case_detail", args=[excepted_case.reference])
    client.get(url)
    with django_assert_max_num_queries(40) as ctx:
        client.get(url)
    exception_reads = [q for q in ctx.captured_queries if "cases_deadlineexception" in q["sql"]]
    assert len(exception_reads) == 1
