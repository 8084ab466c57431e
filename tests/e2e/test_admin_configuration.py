"""The council's administrator configures the portal in the admin, in a real browser: adds a
school with the needs it meets, which caseworkers then see when consulting settings and panels
see when naming one; and every admin page the council uses has no axe violations."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.assignment.models import AssignmentRule, PriorityIndicator
from cases.models import CouncilProfile, Setting, Stage
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft
from cases.plans.prefill import plan_prefill_from_advice
from ehcp_portal.accounts.models import Discipline, Role
from ehcp_portal.governance.models import RetentionRule
from notifications.models import NotificationTemplate
from panels.models import AgendaItem, Meeting, MeetingMember, PanelPaper, PanelType
from panels.services import meeting_hold
from tests.e2e.conftest import axe_violations
from tests.factories import AreaFactory, CaseFactory, SettingFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _seed_panel_types() -> None:
    # A transactional test starts from an earlier flush: put back what the migration seeds.
    seed = "panels.migrations.0002_seed_panel_types_and_funding_bands"
    importlib.import_module(seed).seed(django_apps, None)


@pytest.fixture
def admin_page(browser, client, live_server):
    """A browser page signed in as the administrator. Not the CSP-guarded `page` fixture:
    Django's own admin ships jQuery, whose start-up feature tests try inline styles that the
    portal's strict Content-Security-Policy refuses (harmlessly: nothing on the admin pages
    depends on them). The portal's own pages in these tests use the guarded `page`."""
    context = browser.new_context()
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    page = context.new_page()
    yield page
    context.close()


def test_the_administrator_adds_a_school_that_consultations_and_panels_then_offer(
    live_server, admin_page, page, sign_in_as
):
    _seed_panel_types()
    area = AreaFactory(name="Outer East")
    team = TeamFactory(area=area)
    SettingFactory(name="Hearing Impaired Unit School", area=area, needs_met=["HI"])

    form = admin_page
    form.goto(live_server.url + reverse("admin:cases_setting_add"))
    assert axe_violations(form) == []
    form.get_by_label("Name:", exact=True).fill("Temple Newsam Primary")
    form.get_by_label("URN or UKPRN:").fill("107999")
    form.get_by_label("Setting type:").select_option(label="Mainstream primary school")
    form.get_by_label("Phase:").fill("Primary")
    form.locator("#id_area").select_option(label="Outer East")
    form.locator("#id_needs_met").get_by_label("Autistic spectrum disorder").check()
    form.locator("#id_needs_met").get_by_label("Speech, language and communication needs").check()
    form.get_by_label("Capacity:").fill("420")
    form.locator("#id_resourced_provision").fill("Autism resource base")
    form.locator("#id_resourced_provision_needs").get_by_label("Autistic spectrum disorder").check()
    form.locator("#id_resourced_provision_places").fill("12")
    form.locator("input[name='_save']").click()
    form.wait_for_url("**/admin/cases/setting/")
    assert "was added successfully" in form.locator(".messagelist").inner_text()
    row = form.locator("#result_list tbody tr", has_text="Temple Newsam Primary")
    assert "Speech, language and communication needs, Autistic spectrum disorder" in (
        row.inner_text()
    )
    assert axe_violations(form) == []
    school = Setting.objects.get(urn="107999")
    assert school.needs_met == ["SLCN", "ASD"]  # SEN2's order

    # A caseworker consulting settings for a child with autism sees the new school first.
    today = timezone.localdate()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    drafting = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=today - timedelta(days=90),
        issue_decision_on=today - timedelta(days=20),
        needs=["ASD", "SLCN"],
    )
    plan = plan_create(case=drafting, actor=caseworker)
    plan_prefill_from_advice(
        plan=plan,
        advice=[
            {
                "source": "Educational psychologist",
                "needs": ["Needs help with transitions between activities"],
                "outcomes": ["Moves between lessons calmly with a visual timetable"],
                "provision": ["Visual timetable and a 5-minute warning before each change"],
            }
        ],
        actor=caseworker,
    )
    plan_issue_draft(plan=plan, actor=caseworker, on=today)
    sign_in_as(caseworker)
    page.goto(live_server.url + reverse("plans:consultation_choose", args=[drafting.reference]))
    rows = page.locator("table tbody tr")
    assert "Temple Newsam Primary" in rows.first.inner_text()
    assert "Resourced provision: Autism resource base, 12 places" in rows.first.inner_text()
    assert "2 of 2" in rows.first.inner_text()
    assert axe_violations(page) == []

    # A panel deciding whether to issue a plan can name it, offered before the others.
    chair = UserFactory(role=Role.PANEL_MEMBER, discipline=Discipline.EDUCATION)
    others = [
        UserFactory(role=Role.PANEL_MEMBER, discipline=d)
        for d in (Discipline.EDUCATIONAL_PSYCHOLOGY, Discipline.HEALTH, Discipline.SOCIAL_CARE)
    ]
    deciding = CaseFactory(team=team, stage=Stage.DECIDING_ISSUE, needs=["ASD"])
    panel_type = PanelType.objects.get(slug="decision-to-issue")
    meeting = Meeting.objects.create(
        panel_type=panel_type,
        area=area,
        date=today,
        chair=chair,
        status=Meeting.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    for member in [chair, *others]:
        MeetingMember.objects.create(meeting=meeting, user=member, discipline=member.discipline)
    paper = PanelPaper.objects.create(
        case=deciding, panel_type=panel_type, summary="Needs met by SEN support?", author=caseworker
    )
    AgendaItem.objects.create(meeting=meeting, paper=paper, case=deciding, position=1)
    attended = meeting.members.values_list("pk", flat=True)
    meeting_hold(meeting=meeting, attended_ids=attended, actor=chair)
    page.context.clear_cookies()
    sign_in_as(chair)
    page.goto(
        live_server.url
        + reverse("panels:decision", args=[meeting.pk])
        + f"?case={deciding.reference}"
    )
    options = page.locator("#id_named_setting option").all_inner_texts()
    assert options[1].startswith("Temple Newsam Primary, Outer East (meets 1 of")
    assert any(o.startswith("Hearing Impaired Unit School") for o in options[2:])
    assert axe_violations(page) == []


ADMIN_PAGES = [
    ("cases", "area"),
    ("cases", "team"),
    ("cases", "setting"),
    ("cases", "councilprofile"),
    ("panels", "paneltype"),
    ("panels", "fundingband"),
    ("assignment", "assignmentrule"),
    ("assignment", "priorityindicator"),
    ("notifications", "notificationtemplate"),
    ("governance", "retentionrule"),
]


def test_the_admin_pages_the_council_uses_have_no_axe_violations(live_server, admin_page):
    _seed_panel_types()
    team = TeamFactory()
    objects = {
        "area": team.area,
        "team": team,
        "setting": SettingFactory(area=team.area, needs_met=["ASD"]),
        "councilprofile": CouncilProfile.current(),
        "paneltype": PanelType.objects.order_by("pk").first(),
        "fundingband": None,
        "assignmentrule": AssignmentRule.objects.order_by("pk").first(),
        "priorityindicator": PriorityIndicator.objects.order_by("pk").first(),
        "notificationtemplate": NotificationTemplate.objects.order_by("pk").first(),
        "retentionrule": RetentionRule.objects.order_by("pk").first(),
    }
    page = admin_page
    found: dict[str, list[str]] = {}
    urls = [reverse("admin:index")]
    for app, model in ADMIN_PAGES:
        urls.append(reverse(f"admin:{app}_{model}_changelist"))
        obj = objects[model]
        if obj is not None:
            urls.append(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
    urls += [reverse("admin:cases_setting_add"), reverse("admin:panels_paneltype_add")]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        violations = axe_violations(page)
        if violations:
            found[url] = violations
    assert found == {}
