"""Every plan page: the allowed role, each refused role, and users of another area/family."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.models import Stage
from cases.plans.consultations import consultation_send
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.models import Consultation, Plan, PlanComment
from cases.plans.reviews import review_schedule
from ehcp_portal.accounts.models import Role
from tests.cases.plans.conftest import days_ago
from tests.factories import SettingFactory, TeamFactory, UserFactory, family_for

pytestmark = pytest.mark.django_db

OTHER_ROLES = [
    Role.PARENT,
    Role.YOUNG_PERSON,
    Role.SCHOOL,
    Role.ADVICE_GIVER,
    Role.PANEL_MEMBER,
    Role.ELECTED_MEMBER,
    Role.ADMIN,
]


@pytest.fixture
def final(plan, caseworker, setting, family):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    review_schedule(plan=plan, actor=caseworker)
    return plan


@pytest.fixture
def draft(plan, caseworker, setting, family):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(3))
    consultation_send(plan=plan, settings=[setting], actor=caseworker)
    return plan


def staff_urls(plan: Plan) -> list[str]:
    ref = plan.case.reference
    review = plan.reviews.first()
    return [
        reverse("plans:summary", args=[ref]),
        reverse("plans:section", args=[ref, "F"]),
        reverse("plans:versions", args=[ref]),
        reverse("plans:diff", args=[ref]) + "?from=1&to=2",
        reverse("plans:preview", args=[ref]),
        reverse("plans:issue_draft", args=[ref]),
        reverse("plans:consultation_choose", args=[ref]),
        reverse("plans:issue_final", args=[ref]),
        reverse("plans:review_list", args=[ref]),
        reverse("plans:review_detail", args=[ref, review.pk]),
    ]


def test_staff_pages_open_for_the_caseworker_and_manager(client, final, caseworker, manager):
    for user in (caseworker, manager):
        client.force_login(user)
        for url in staff_urls(final):
            response = client.get(url)
            assert response.status_code == 200, url
            assert final.case.reference in response.content.decode(), url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_staff_pages_do_not_exist_for_other_roles(client, final, role, user_of_role):
    client.force_login(user_of_role(role))
    for url in staff_urls(final):
        assert client.get(url).status_code == 404, url


def test_staff_pages_do_not_exist_for_another_area(client, final):
    outsider = UserFactory(role=Role.CASEWORKER, team=TeamFactory())
    manager = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory())
    for user in (outsider, manager):
        client.force_login(user)
        for url in staff_urls(final):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("plans:start", args=[final.case.reference])).status_code == 404


def test_starting_a_plan_from_the_summary(client, drafting_case, caseworker):
    client.force_login(caseworker)
    url = reverse("plans:summary", args=[drafting_case.reference])
    assert "Start the plan" in client.get(url).content.decode()
    response = client.post(reverse("plans:start", args=[drafting_case.reference]))
    assert response.status_code == 302
    assert Plan.objects.filter(case=drafting_case).exists()
    assert "Section B: Special educational needs" in client.get(url).content.decode()


def test_section_page_adds_linked_provision_and_shows_errors(client, plan, caseworker):
    client.force_login(caseworker)
    url = reverse("plans:section", args=[plan.case.reference, "F"])
    response = client.post(url, {"form": "item", "item_text": "", "need": "", "outcome": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the text of the item" in page
    assert "Choose the need this item meets" in page
    response = client.post(
        url, {"form": "item", "item_text": "Weekly OT\x00", "need": "B1", "outcome": "E1"}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    response = client.post(
        url, {"form": "item", "item_text": "Weekly OT", "need": "B1", "outcome": "E1"}
    )
    assert response.status_code == 302
    assert "Weekly OT" in client.get(url).content.decode()
    response = client.post(url, {"form": "nonsense"})
    assert response.status_code == 400


def test_section_i_naming_a_school_shows_an_error(client, plan, caseworker, setting):
    client.force_login(caseworker)
    url = reverse("plans:section", args=[plan.case.reference, "I"])
    response = client.post(url, {"form": "text", "text": "Oakfield Primary School"})
    assert response.status_code == 200
    assert "must not name a school" in response.content.decode()


def test_issue_final_too_early_shows_the_reason(client, draft, caseworker, setting):
    client.force_login(caseworker)
    url = reverse("plans:issue_final", args=[draft.case.reference])
    response = client.post(url, {"named_setting": setting.pk})
    assert response.status_code == 200
    assert "The family can comment on the draft until" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT_ISSUED


def test_consult_page_ranks_settings_and_sends(client, plan, caseworker, setting):
    client.force_login(caseworker)
    plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(2))
    SettingFactory(name="Hearing School", needs_met=["HI"])
    url = reverse("plans:consultation_choose", args=[plan.case.reference])
    page = client.get(url).content.decode()
    assert page.index("Oakfield Primary School") < page.index("Hearing School")
    assert "2 of 2" in page
    response = client.post(url, {})
    assert "Choose at least one setting to consult" in response.content.decode()
    response = client.post(url, {"settings": [str(setting.pk)]})
    assert response.status_code == 302
    assert Consultation.objects.filter(plan=plan, setting=setting).exists()


def test_versions_list_has_a_fixed_number_of_queries(
    client, plan, caseworker, django_assert_num_queries
):
    from cases.plans.drafting import plan_section_update

    for n in range(5):
        plan_section_update(plan=plan, key="A", text=f"text {n}", actor=caseworker)
    client.force_login(caseworker)
    url = reverse("plans:versions", args=[plan.case.reference])
    # session, user, case (access rule), plan, version count, versions with authors
    # + the unread notifications count in the header + the access log's INSERT
    with django_assert_num_queries(8):
        response = client.get(url)
    assert "Section A text changed" in response.content.decode()


# --- family pages ---


def family_urls(plan: Plan) -> list[str]:
    ref = plan.case.reference
    return [
        reverse("plans:family", args=[ref]),
        reverse("plans:family_respond", args=[ref]),
    ]


def test_family_reads_comments_and_responds(client, draft, family, setting):
    client.force_login(family)
    url, respond = family_urls(draft)
    page = client.get(url).content.decode()
    assert "Section F: Special educational provision" in page
    assert "Oakfield Primary School" not in page  # the draft names no school
    response = client.post(url, {"section": "", "body": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the section your comment is about" in page
    assert "Enter your comment" in page
    response = client.post(url, {"section": "F", "body": "We want more speech therapy"})
    assert response.status_code == 302
    assert PlanComment.objects.get(plan=draft).body == "We want more speech therapy"
    response = client.post(respond, {"preferred_setting": "", "wants_meeting": ""})
    assert "Select yes if you would like a meeting" in response.content.decode()
    response = client.post(
        respond,
        {
            "preferred_setting": setting.pk,
            "wants_meeting": "yes",
            "preference_reasons": "Close to home",
        },
    )
    assert response.status_code == 302
    draft.case.refresh_from_db()
    assert draft.case.family_responded_on is not None
    assert draft.responses.get().preferred_setting == setting


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.SCHOOL, Role.ADVICE_GIVER, Role.TEAM_MANAGER]
)
def test_family_pages_do_not_exist_for_other_roles(client, draft, role, user_of_role, setting):
    user = user_of_role(role, setting=setting) if role == Role.SCHOOL else user_of_role(role)
    client.force_login(user)
    for url in family_urls(draft):
        assert client.get(url).status_code == 404, url


def test_family_pages_do_not_exist_for_another_family(client, draft):
    from tests.factories import CaseFactory

    other_parent = family_for(CaseFactory())
    client.force_login(other_parent)
    for url in family_urls(draft):
        assert client.get(url).status_code == 404, url


def test_family_sees_nothing_while_the_plan_is_drafted(client, plan, family):
    client.force_login(family)
    for url in family_urls(plan):
        assert client.get(url).status_code == 404, url


def test_family_and_named_setting_get_the_final_pdf(client, final, family, senco, caseworker):
    url = reverse("plans:file", args=[final.case.reference, final.final_document.public_id])
    for user in (family, senco, caseworker):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Disposition"] == (
            f'attachment; filename="{final.case.reference}-plan.pdf"'
        )
    other_school = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    outsider = UserFactory(role=Role.CASEWORKER, team=TeamFactory())
    from tests.factories import CaseFactory

    for user in (other_school, outsider, family_for(CaseFactory())):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(family)
    page = client.get(reverse("plans:family", args=[final.case.reference])).content.decode()
    assert "Oakfield Primary School" in page
    assert "Download the final plan (PDF)" in page


# --- school pages ---


def test_school_answers_its_consultation(client, draft, senco, django_assert_num_queries):
    consultation = draft.consultations.get()
    client.force_login(senco)
    # session, user, the user's setting (caption), count, consultations with
    # plan/case/child/setting, named plans with case/child
    # + the unread notifications count in the header
    with django_assert_num_queries(7):
        page = client.get(reverse("plans:consultation_list")).content.decode()
    assert escape(draft.case.child.full_name) in page
    url = reverse("plans:consultation_respond", args=[consultation.public_id])
    page = client.get(url).content.decode()
    assert "Section B: Special educational needs" in page
    response = client.post(url, {"can_meet_needs": "", "reasons": "", "annual_cost": "lots"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select yes if your setting can meet the needs" in page
    assert "Give the reasons for your answer" in page
    assert "Enter the cost as a number" in page
    response = client.post(
        url,
        {"can_meet_needs": "yes", "reasons": "We have a resourced base", "annual_cost": "4500.50"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.can_meet_needs is True
    assert str(consultation.annual_cost) == "4500.50"


def test_a_consultation_past_its_answer_date_is_tagged_overdue(client, draft, senco):
    consultation = draft.consultations.get()
    client.force_login(senco)
    page = client.get(reverse("plans:consultation_list")).content.decode()
    assert 'govuk-tag--yellow">To do' in page and "Overdue" not in page
    consultation.response_due = days_ago(1)
    consultation.save(update_fields=["response_due"])
    page = client.get(reverse("plans:consultation_list")).content.decode()
    assert 'govuk-tag--red">Overdue' in page and "To do" not in page


def test_school_of_another_setting_cannot_see_the_consultation(client, draft):
    consultation = draft.consultations.get()
    other = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    client.force_login(other)
    url = reverse("plans:consultation_respond", args=[consultation.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"can_meet_needs": "yes", "reasons": "x"}).status_code == 404
    assert (
        escape(draft.case.child.full_name)
        not in client.get(reverse("plans:consultation_list")).content.decode()
    )
    assert client.get(reverse("plans:setting", args=[draft.case.reference])).status_code == 404


def test_school_without_consent_or_consultation_gets_404(client, plan, caseworker, senco):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(3))
    client.force_login(senco)
    assert client.get(reverse("plans:setting", args=[plan.case.reference])).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.PARENT, Role.CASEWORKER, Role.TEAM_MANAGER, Role.ADVICE_GIVER]
)
def test_school_pages_do_not_exist_for_other_roles(client, draft, role, user_of_role):
    consultation = draft.consultations.get()
    client.force_login(user_of_role(role))
    for url in (
        reverse("plans:consultation_list"),
        reverse("plans:consultation_respond", args=[consultation.public_id]),
        reverse("plans:setting", args=[draft.case.reference]),
    ):
        assert client.get(url).status_code == 404, url


def test_named_setting_reads_the_final_plan(client, final, senco):
    client.force_login(senco)
    page = client.get(reverse("plans:setting", args=[final.case.reference])).content.decode()
    assert "Oakfield Primary School (URN" in page
    assert final.case.stage == Stage.FINAL_ISSUED


def test_review_pages_record_meeting_and_decision(client, final, caseworker):
    client.force_login(caseworker)
    review = final.reviews.get()
    url = reverse("plans:review_detail", args=[final.case.reference, review.pk])
    response = client.post(
        url,
        {
            "form": "meeting",
            "meeting-meeting_on_0": "31",
            "meeting-meeting_on_1": "2",
            "meeting-meeting_on_2": "2027",
        },
    )
    assert response.status_code == 200
    assert "The date of the review meeting must be a real date" in response.content.decode()
    from datetime import timedelta

    from django.utils import timezone

    meeting = timezone.localdate() + timedelta(days=30)
    response = client.post(
        url,
        {
            "form": "meeting",
            "meeting-meeting_on_0": str(meeting.day),
            "meeting-meeting_on_1": str(meeting.month),
            "meeting-meeting_on_2": str(meeting.year),
        },
    )
    assert response.status_code == 302
    final.case.refresh_from_db()
    assert final.case.review_meeting_on == meeting
    page = client.get(url).content.decode()
    assert f"{meeting - timedelta(weeks=2):%-d %B %Y}" in page


def staff_posts(plan: Plan) -> list[tuple[str, dict]]:
    ref = plan.case.reference
    return [
        (reverse("plans:start", args=[ref]), {}),
        (reverse("plans:section", args=[ref, "A"]), {"form": "text", "text": "changed"}),
        (reverse("plans:issue_draft", args=[ref]), {}),
        (reverse("plans:consultation_choose", args=[ref]), {"settings": ["1"]}),
        (reverse("plans:issue_final", args=[ref]), {}),
        (reverse("plans:review_list", args=[ref]), {}),
    ]


@pytest.mark.parametrize("role", [Role.PARENT, Role.SCHOOL, Role.ADVICE_GIVER, Role.CASEWORKER])
def test_staff_writes_do_not_exist_for_other_roles_or_areas(client, plan, role, user_of_role):
    client.force_login(user_of_role(role))
    before = plan.versions.count()
    for url, data in staff_posts(plan):
        assert client.post(url, data).status_code == 404, url
    assert plan.versions.count() == before
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFTING


def test_the_familys_own_parent_cannot_use_staff_pages(client, plan, family):
    client.force_login(family)
    for url, data in staff_posts(plan):
        assert client.post(url, data).status_code == 404, url


def test_review_list_has_a_fixed_number_of_queries(
    client, final, caseworker, django_assert_num_queries
):
    client.force_login(caseworker)
    url = reverse("plans:review_list", args=[final.case.reference])
    # session, user, case (access rule), plan, reviews
    # + the unread notifications count in the header
    with django_assert_num_queries(6):
        response = client.get(url)
    assert "Not decided" in response.content.decode()


def test_family_reads_and_comments_on_proposed_amendments(client, final, caseworker, family):
    from datetime import timedelta

    from django.utils import timezone

    from cases.plans.drafting import plan_section_update
    from cases.plans.reviews import review_decide

    review = final.reviews.get()
    review.meeting_on = timezone.localdate() - timedelta(days=3)
    review.save()
    plan_section_update(plan=final, key="J", text="A personal budget for respite", actor=caseworker)
    review_decide(review=review, decision="amend", actor=caseworker)
    client.force_login(family)
    url = reverse("plans:family", args=[final.case.reference])
    page = client.get(url).content.decode()
    assert "Proposed amendments to" in page
    assert "A personal budget for respite" in page
    last_day = timezone.localdate() + timedelta(days=14)
    assert f"until <strong>{last_day:%-d %B %Y}</strong>" in page
    response = client.post(url, {"section": "J", "body": "Thank you"})
    assert response.status_code == 302
    assert final.comments.get().body == "Thank you"


# --- the family's draft plan PDF ---


def test_the_family_downloads_the_draft_plan_as_a_pdf(client, draft, family):
    import io

    import pypdf

    client.force_login(family)
    page = client.get(reverse("plans:family", args=[draft.case.reference])).content.decode()
    url = reverse("plans:family_draft_pdf", args=[draft.case.reference])
    assert f'href="{url}">Download the draft plan (PDF)' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{draft.case.reference}-draft-plan-version-'
        f'{draft.draft_version}.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert draft.case.child.full_name in text
    assert "Autistic spectrum disorder" in text  # section B in words
    assert "Draft plan" in text


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_else_gets_the_familys_draft_pdf(client, draft, role, user_of_role):
    client.force_login(user_of_role(role))
    url = reverse("plans:family_draft_pdf", args=[draft.case.reference])
    assert client.get(url).status_code == 404


def test_there_is_no_draft_pdf_while_the_plan_is_written_or_once_it_is_final(
    client, plan, family, caseworker, setting
):
    client.force_login(family)
    url = reverse("plans:family_draft_pdf", args=[plan.case.reference])
    assert client.get(url).status_code == 404  # still being drafted: the family has not seen it
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    assert client.get(url).status_code == 200
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    assert client.get(url).status_code == 404  # the final plan's own PDF replaces it


def test_the_draft_plan_page_offers_the_advice_it_is_based_on(client, draft, family):
    from tests.factories import AdviceRequestFactory

    received = AdviceRequestFactory(
        case=draft.case, source="health", state="received", responded_on=days_ago(10)
    )
    AdviceRequestFactory(case=draft.case, source="social_care")  # not received: not offered
    client.force_login(family)
    page = client.get(reverse("plans:family", args=[draft.case.reference])).content.decode()
    url = reverse("advice:family_pdf", args=[draft.case.reference, received.public_id])
    assert f'href="{url}">Medical advice (PDF)</a>' in page
    assert "Social care advice" not in page
