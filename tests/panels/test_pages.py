"""The panel pages render what each person needs at each step."""

from __future__ import annotations

from django.urls import reverse

from cases.models import Stage
from panels.models import Decision, Meeting
from tests.factories import CaseFactory, SettingFactory, family_for
from tests.letters import letters_made_by_worker
from tests.panels.conftest import hold


def test_chair_sees_the_draft_agenda_with_remove_and_publish(client, make_meeting, on_agenda, case):
    meeting = make_meeting()
    item = on_agenda(meeting, case)
    client.force_login(meeting.chair)
    body = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert case.reference in body and "Publish the agenda" in body and "Remove" in body
    client.post(reverse("panels:agenda_remove", args=[meeting.pk, item.pk]))
    assert not meeting.items.exists()
    # Publishing an empty agenda is refused with a message.
    body = client.post(reverse("panels:publish", args=[meeting.pk]), follow=True).content.decode()
    assert "Add at least one case" in body


def test_decision_to_issue_records_band_setting_and_transport_through_the_form(
    client, make_meeting, on_agenda, team, caseworker
):
    case = CaseFactory(team=team, caseworker=caseworker, assessing=True)
    case.stage = Stage.DECIDING_ISSUE
    case.save()
    family_for(case)
    school = SettingFactory(area=team.area, name="Hillside Special School")
    meeting = make_meeting("decision-to-issue", status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    client.force_login(meeting.chair)
    url = reverse("panels:decision", args=[meeting.pk])
    form = client.get(url + f"?case={case.reference}").content.decode()
    for label in ("Funding band", "Type of setting", "Named school or setting", "Transport"):
        assert label in form
    assert "Band E" in form
    response = client.post(
        url,
        {
            "case": case.reference,
            "outcome": "agree",
            "reasons": "Needs require a specialist setting.",
            "funding_band": "D",
            "setting_type": "special",
            "named_setting": school.pk,
            "transport": "yes",
            "advice_needed": "Updated speech and language advice",
            "actions": "Caseworker: draft the plan\nSENCO: share the provision map",
        },
    )
    assert response.status_code == 302, response.content.decode()
    decision = Decision.objects.get()
    assert decision.funding_band.code == "D" and decision.named_setting == school
    assert decision.transport_eligible is True and decision.setting_type == "special"
    assert decision.actions == [
        {"owner": "Caseworker", "action": "draft the plan"},
        {"owner": "SENCO", "action": "share the provision map"},
    ]
    case.refresh_from_db()
    assert case.stage == Stage.DRAFTING
    body = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Agree to issue an EHC plan" in body and "letter being prepared" in body
    letters_made_by_worker()
    body = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "letter sent" in body and "letter being prepared" not in body


def test_decision_to_assess_form_leaves_out_fields_that_do_not_apply(
    client, make_meeting, on_agenda, case
):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    client.force_login(meeting.chair)
    form = client.get(reverse("panels:decision", args=[meeting.pk])).content.decode()
    assert "Funding band" not in form and "Transport" not in form
    assert "Advice still needed" in form


def test_meeting_list_and_ratification_list_run_fixed_queries(
    client, django_assert_num_queries, make_meeting, on_agenda, team, caseworker, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ehcp_portal.accounts.models import Discipline
    from panels.services import decision_record

    def add_pending() -> None:
        meeting = make_meeting(status=Meeting.Status.PUBLISHED)
        case = CaseFactory(team=team, caseworker=caseworker)
        on_agenda(meeting, case)
        hold(meeting, absent=(Discipline.EDUCATIONAL_PSYCHOLOGY,))
        decision_record(
            meeting=meeting, case=case, actor=meeting.chair, outcome="agree", reasons="R."
        )

    client.force_login(manager)
    add_pending()
    client.get(reverse("panels:meetings"))
    counts = {}
    for name in ("panels:meetings", "panels:ratification"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(ctx.captured_queries)
    for _ in range(3):
        add_pending()
    for name, count in counts.items():
        with django_assert_num_queries(count):
            body = client.get(reverse(name)).content.decode()
        assert body.count("Decision to assess") >= 4


def test_administrators_configure_panels_in_the_admin(client, db):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for model in ("paneltype", "fundingband", "meeting", "panelpaper", "decision"):
        assert client.get(reverse(f"admin:panels_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:panels_meeting_add")).status_code == 200
    # An outcome pointing at an action the workflow does not have is refused.
    from panels.models import PanelType

    panel_type = PanelType.objects.get(slug="placement")
    url = reverse("admin:panels_paneltype_change", args=[panel_type.pk])
    response = client.post(
        url,
        {
            "name": panel_type.name,
            "slug": panel_type.slug,
            "description": "",
            "required_disciplines": '["education"]',
            "decision_fields": '["setting"]',
            "ready_stages": '["drafting"]',
            "outcomes": '[{"code": "agree", "label": "Agree", "action": "teleport"}]',
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "is not a case workflow action" in response.content.decode()


def test_a_decision_to_issue_letter_does_not_name_a_school_but_a_placement_letter_does(
    make_meeting, on_agenda, team, caseworker
):
    from panels.services import decision_record
    from tests.panels.test_flow import pdf_text

    school = SettingFactory(area=team.area, name="Hillside Special School")
    texts = {}
    for slug, stage in (("decision-to-issue", Stage.DECIDING_ISSUE), ("placement", Stage.DRAFTING)):
        case = CaseFactory(team=team, caseworker=caseworker, assessing=True)
        case.stage = stage
        case.save()
        meeting = make_meeting(slug, status=Meeting.Status.PUBLISHED)
        on_agenda(meeting, case)
        hold(meeting)
        decision = decision_record(
            meeting=meeting,
            case=case,
            actor=meeting.chair,
            outcome="agree",
            reasons="Specialist provision.",
            setting_type="special",
            named_setting=school,
        )
        letters_made_by_worker()
        decision.refresh_from_db()
        texts[slug] = pdf_text(decision.letter)
    assert "Hillside Special School" not in texts["decision-to-issue"]
    assert "Special school" in texts["decision-to-issue"]
    assert "Hillside Special School" in texts["placement"]


def test_a_team_manager_sets_up_a_meeting_for_their_area(client, manager, panellists, user_of_role):
    from datetime import timedelta

    from django.utils import timezone

    from ehcp_portal.accounts.models import Discipline, Role
    from panels.models import PanelType

    url = reverse("panels:meeting_new")
    client.force_login(manager)
    assert "Set up a meeting" in client.get(reverse("panels:meetings")).content.decode()
    page = client.get(url).content.decode()
    assert "govuk-date-input" in page
    # Missing and impossible answers come back as GOV.UK errors, with what was typed kept.
    response = client.post(
        url, {"date_0": "31", "date_1": "2", "date_2": "2027", "location": "Room 4"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "The date of the meeting must be a real date" in body
    assert "Choose the type of panel" in body
    assert 'value="Room 4"' in body
    past = timezone.localdate() - timedelta(days=1)
    chair = panellists[Discipline.EDUCATION]
    data = {
        "panel_type": PanelType.objects.get(slug="decision-to-issue").pk,
        "date_0": past.day,
        "date_1": past.month,
        "date_2": past.year,
        "chair": chair.pk,
        "members": [panellists[Discipline.HEALTH].pk, panellists[Discipline.SOCIAL_CARE].pk],
    }
    assert "must be today or in the future" in client.post(url, data).content.decode()
    soon = timezone.localdate() + timedelta(days=14)
    data.update(date_0=soon.day, date_1=soon.month, date_2=soon.year)
    response = client.post(url, data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "panels:meeting", args=[meeting.pk]
    )
    assert meeting.area == manager.team.area and meeting.date == soon and meeting.chair == chair
    assert set(meeting.members.values_list("discipline", flat=True)) == {
        "education",
        "health",
        "social_care",
    }
    for role in Role:
        if role != Role.TEAM_MANAGER and role != Role.ADMIN:
            client.force_login(user_of_role(role))
            assert client.get(url).status_code == 404


def test_a_huge_year_for_a_meeting_is_a_form_error_not_a_server_error(manager):
    from django.test import Client

    client = Client(raise_request_exception=False)  # a crash shows as a 500
    client.force_login(manager)
    for day, year, message in [
        ("1", "99999999999", "Year must include 4 numbers"),
        ("99999999999", "2027", "The date of the meeting must be a real date"),
    ]:
        response = client.post(
            reverse("panels:meeting_new"), {"date_0": day, "date_1": "3", "date_2": year}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in body and message in body
