"""Decisions: quorum and ratification, refused input, versions after a letter, conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Document, Stage
from ehcp_portal.accounts.models import Discipline, Role
from panels.models import Decision, Meeting
from panels.services import (
    PanelRefused,
    decision_ratify,
    decision_record,
    declaration_record,
    meeting_quorum,
)
from tests.factories import CaseFactory, UserFactory, family_for
from tests.letters import letters_made_by_worker, minutes_made_by_worker
from tests.panels.conftest import hold

REASONS = "Her needs can be met from the support her school already provides."


@pytest.fixture
def case(team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    return case


@pytest.fixture
def held(make_meeting, on_agenda, case):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    return hold(meeting)


# --- quorum and ratification --------------------------------------------------------------------


def test_quorum_needs_every_required_discipline_among_those_attending(make_meeting):
    meeting = make_meeting("decision-to-issue", status=Meeting.Status.PUBLISHED)
    assert meeting.panel_type.required_disciplines == ["education", "ep", "health", "social_care"]
    held = hold(meeting, absent=(Discipline.HEALTH,))
    assert held.quorate is False
    assert meeting_quorum(held).missing_labels == ["Health"]


def test_non_quorate_decision_needs_ratification_then_a_manager_ratifies_it(
    client, make_meeting, on_agenda, case, manager
):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting, absent=(Discipline.EDUCATIONAL_PSYCHOLOGY,))

    client.force_login(meeting.chair)
    response = client.post(
        reverse("panels:decision", args=[meeting.pk]),
        {"case": case.reference, "outcome": "agree", "reasons": REASONS},
        follow=True,
    )
    assert "needs ratifying" in response.content.decode()
    decision = Decision.objects.get()
    assert decision.needs_ratification and decision.letter is None
    case.refresh_from_db()
    assert case.stage == Stage.DECIDING_ASSESS  # not moved
    assert not Document.objects.filter(case=case, kind=Document.Kind.LETTER).exists()

    # The chair of this (non-quorate) meeting cannot ratify it.
    assert client.post(reverse("panels:ratify", args=[decision.pk])).status_code == 404

    client.force_login(manager)
    page = client.get(reverse("panels:ratification")).content.decode()
    assert case.reference in page
    response = client.post(reverse("panels:ratify", args=[decision.pk]))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.ratified_by == manager and decision.letter_being_prepared
    assert letters_made_by_worker() == 1
    decision.refresh_from_db()
    assert decision.letter is not None
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSING
    assert Document.objects.filter(
        case=case, kind=Document.Kind.LETTER, family_visible=True
    ).exists()


def test_chair_of_a_later_quorate_meeting_can_ratify_but_not_of_an_earlier_one(
    make_meeting, on_agenda, case, panellists
):
    today = timezone.localdate()
    meeting = make_meeting(on=today - timedelta(days=7), status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting, absent=(Discipline.EDUCATIONAL_PSYCHOLOGY,))
    decision = decision_record(
        meeting=meeting, case=case, actor=meeting.chair, outcome="agree", reasons=REASONS
    )
    earlier_chair = panellists[Discipline.HEALTH]
    hold(make_meeting(on=today - timedelta(days=14), chair=earlier_chair, status="published"))
    with pytest.raises(PanelRefused, match="Only a team manager"):
        decision_ratify(decision=decision, actor=earlier_chair)

    later_chair = panellists[Discipline.SOCIAL_CARE]
    hold(make_meeting(on=today, chair=later_chair, status="published"))
    decision_ratify(decision=decision, actor=later_chair)
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSING


# --- refused input ------------------------------------------------------------------------------


def test_a_decision_without_reasons_is_refused_with_a_govuk_error(client, held, case):
    client.force_login(held.chair)
    response = client.post(
        reverse("panels:decision", args=[held.pk]),
        {"case": case.reference, "outcome": "refuse", "reasons": "   "},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "Enter the reasons for the decision: the family will read them" in body
    assert not Decision.objects.exists()
    case.refresh_from_db()
    assert case.stage == Stage.DECIDING_ASSESS


def test_a_funding_band_outside_the_configured_bands_is_refused(
    client, make_meeting, on_agenda, team, caseworker
):
    case = CaseFactory(team=team, caseworker=caseworker, assessing=True)
    case.stage = Stage.DECIDING_ISSUE
    case.save()
    meeting = make_meeting("decision-to-issue", status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    client.force_login(meeting.chair)
    response = client.post(
        reverse("panels:decision", args=[meeting.pk]),
        {"case": case.reference, "outcome": "agree", "reasons": REASONS, "funding_band": "Z"},
    )
    assert response.status_code == 200
    assert "Choose one of the configured funding bands" in response.content.decode()
    assert REASONS in response.content.decode()  # what was typed is kept
    assert not Decision.objects.exists()
    with pytest.raises(PanelRefused, match="configured funding bands: A, B, C, D, E"):
        decision_record(
            meeting=meeting,
            case=case,
            actor=meeting.chair,
            outcome="agree",
            reasons=REASONS,
            funding_band="Z",
        )
    decision = decision_record(
        meeting=meeting,
        case=case,
        actor=meeting.chair,
        outcome="agree",
        reasons=REASONS,
        funding_band="C",
        transport_eligible=True,
    )
    assert decision.funding_band.code == "C" and decision.transport_eligible is True


def test_a_decision_on_a_case_not_on_the_agenda_is_refused(client, held, team, caseworker):
    other = CaseFactory(team=team, caseworker=caseworker)
    client.force_login(held.chair)
    response = client.post(
        reverse("panels:decision", args=[held.pk]),
        {"case": other.reference, "outcome": "agree", "reasons": REASONS},
    )
    assert response.status_code == 200
    assert "not on this meeting&#x27;s agenda" in response.content.decode()
    with pytest.raises(PanelRefused, match="not on the agenda"):
        decision_record(
            meeting=held, case=other, actor=held.chair, outcome="agree", reasons=REASONS
        )
    assert not Decision.objects.exists()


def test_nul_bytes_in_reasons_never_reach_the_database(held, case):
    decision = decision_record(
        meeting=held, case=case, actor=held.chair, outcome="agree", reasons="Good\x00 reasons"
    )
    assert decision.reasons == "Good reasons"


def test_decisions_wait_until_the_meeting_is_held(make_meeting, on_agenda, case):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    with pytest.raises(PanelRefused, match="hold the meeting"):
        decision_record(
            meeting=meeting, case=case, actor=meeting.chair, outcome="agree", reasons=REASONS
        )


# --- versions -----------------------------------------------------------------------------------


def test_changing_a_decision_after_its_letter_keeps_the_old_version(client, held, case):
    first = decision_record(
        meeting=held, case=case, actor=held.chair, outcome="agree", reasons=REASONS
    )
    assert first.letter_sent_on is None and first.letter_being_prepared
    assert letters_made_by_worker() == 1
    first.refresh_from_db()
    assert first.letter_sent_on is not None
    client.force_login(held.chair)
    page = client.get(reverse("panels:decision", args=[held.pk]) + f"?case={case.reference}")
    assert REASONS in page.content.decode()  # the form starts from the current decision
    response = client.post(
        reverse("panels:decision", args=[held.pk]),
        {"case": case.reference, "outcome": "agree", "reasons": REASONS + " Corrected."},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second = Decision.objects.get(is_current=True)
    assert not first.is_current and first.reasons == REASONS  # kept as it was
    assert second.version == 2 and second.supersedes == first
    assert second.reasons.endswith("Corrected.")
    assert letters_made_by_worker() == 1
    letters = Document.objects.filter(case=case, kind=Document.Kind.LETTER)
    assert letters.count() == 2
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSING  # moved once, not twice


def test_an_outcome_the_case_can_no_longer_take_is_refused(held, case):
    decision_record(meeting=held, case=case, actor=held.chair, outcome="agree", reasons=REASONS)
    with pytest.raises(PanelRefused, match="cannot move on"):
        decision_record(
            meeting=held, case=case, actor=held.chair, outcome="refuse", reasons=REASONS
        )
    assert Decision.objects.get(is_current=True).outcome == "agree"


def test_before_the_letter_a_pending_decision_is_corrected_in_place(make_meeting, on_agenda, case):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting, absent=(Discipline.EDUCATION,))
    decision_record(meeting=meeting, case=case, actor=meeting.chair, outcome="agree", reasons="x")
    decision_record(
        meeting=meeting, case=case, actor=meeting.chair, outcome="refuse", reasons=REASONS
    )
    decision = Decision.objects.get()
    assert decision.version == 1 and decision.outcome == "refuse"


# --- conflicts of interest ----------------------------------------------------------------------


def test_a_conflicted_member_cannot_record_on_that_item(client, held, case, panellists):
    member = panellists[Discipline.HEALTH]
    item = held.items.get()
    client.force_login(member)
    response = client.post(
        reverse("panels:item", args=[held.pk, item.pk]),
        {"interest": "I know the family through my clinic."},
        follow=True,
    )
    assert "Interest declared" in response.content.decode()
    response = client.post(
        reverse("panels:decision", args=[held.pk]),
        {"case": case.reference, "outcome": "agree", "reasons": REASONS},
    )
    assert response.status_code == 200
    assert "You declared an interest in" in response.content.decode()
    assert not Decision.objects.exists()
    # Someone else on the panel records it.
    decision_record(
        meeting=held,
        case=case,
        actor=panellists[Discipline.EDUCATIONAL_PSYCHOLOGY],
        outcome="agree",
        reasons=REASONS,
    )
    assert Decision.objects.count() == 1
    # The minutes record the declaration against the item.
    from panels.services import meeting_close
    from tests.panels.test_flow import pdf_text

    meeting_close(meeting=held, actor=held.chair)
    assert minutes_made_by_worker() == 1
    held.refresh_from_db()
    text = pdf_text(held.minutes)
    assert "I know the family through my clinic." in text and member.get_full_name() in text


def test_only_members_who_attended_can_record(make_meeting, on_agenda, case, panellists):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting, absent=(Discipline.SOCIAL_CARE,))
    with pytest.raises(PanelRefused, match="attended"):
        decision_record(
            meeting=meeting,
            case=case,
            actor=panellists[Discipline.SOCIAL_CARE],
            outcome="agree",
            reasons=REASONS,
        )


def test_declaring_twice_and_declaring_when_not_a_member_are_refused(held, panellists):
    item = held.items.get()
    declaration_record(item=item, member=panellists[Discipline.HEALTH], interest="Neighbour")
    with pytest.raises(PanelRefused, match="already declared"):
        declaration_record(item=item, member=panellists[Discipline.HEALTH], interest="Again")
    outsider = UserFactory(role=Role.PANEL_MEMBER, discipline=Discipline.HEALTH)
    with pytest.raises(PanelRefused, match="Only members"):
        declaration_record(item=item, member=outsider, interest="Neighbour")


# --- a closed meeting --------------------------------------------------------------------------


def test_changing_a_decision_after_the_meeting_closed_reissues_the_letter_and_the_minutes(
    client, held, case
):
    """The choice for a closed meeting (issue 20): a change is never silent. It is a new version
    of the decision with its own letter to the family, and the minutes are made again."""
    from panels.services import meeting_close
    from tests.panels.test_flow import pdf_text

    first = decision_record(
        meeting=held, case=case, actor=held.chair, outcome="agree", reasons=REASONS
    )
    letters_made_by_worker()
    first.refresh_from_db()
    meeting_close(meeting=held, actor=held.chair)
    assert minutes_made_by_worker() == 1
    held.refresh_from_db()
    old_minutes = held.minutes
    assert "(version 1)" in pdf_text(old_minutes)

    client.force_login(held.chair)
    page = client.get(reverse("panels:meeting", args=[held.pk])).content.decode()
    assert "This meeting is closed" in page
    assert "a new letter to the family and new minutes" in page
    response = client.post(
        reverse("panels:decision", args=[held.pk]),
        {"case": case.reference, "outcome": "agree", "reasons": "Corrected: new evidence."},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert letters_made_by_worker() == 1
    held.refresh_from_db()
    assert held.minutes == old_minutes and held.minutes_wanted_at is not None
    page = client.get(reverse("panels:meeting", args=[held.pk])).content.decode()
    assert "New minutes being prepared" in page
    assert minutes_made_by_worker() == 1
    current = Decision.objects.get(item__case=case, is_current=True)
    assert (current.version, current.reasons) == (2, "Corrected: new evidence.")
    assert current.letter_id and current.letter_id != first.letter_id
    held.refresh_from_db()
    assert held.minutes != old_minutes
    text = pdf_text(held.minutes)
    assert "(version 2)" in text and "Corrected: new evidence." in text
