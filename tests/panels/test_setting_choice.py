"""Issue 13: the panel's decision form offers every setting, the family's preference first,
and the setting the panel names is the one the final plan offers first."""

from __future__ import annotations

from django.urls import reverse

from cases.models import Stage
from cases.plans.models import FamilyResponse, Plan
from cases.plans.placement import panel_named_setting
from panels.models import Decision
from tests.factories import AreaFactory, SettingFactory, family_for
from tests.panels.conftest import hold


def test_decision_form_offers_every_setting_with_the_familys_preference_first(
    client, make_meeting, on_agenda, case
):
    case.stage = Stage.DECIDING_ISSUE
    case.save()
    parent = family_for(case)
    for n in range(12):
        SettingFactory(area=case.area, name=f"Local School {n:02}")
    elsewhere = SettingFactory(area=AreaFactory(name="Far Away"), name="Distant Academy")
    plan = Plan.objects.create(case=case)
    FamilyResponse.objects.create(
        plan=plan,
        version=1,
        preferred_setting=elsewhere,
        submitted_by=parent,
        submitted_on=case.received_on,
    )
    meeting = make_meeting("decision-to-issue", status="published")
    on_agenda(meeting, case)
    hold(meeting)
    client.force_login(meeting.chair)
    url = reverse("panels:decision", args=[meeting.pk])
    form = client.get(url + f"?case={case.reference}").content.decode()
    select = form[
        form.index('name="named_setting"') : form.index(
            "</select>", form.index('name="named_setting"')
        )
    ]
    assert select.count("<option") == 1 + 1 + 12  # not named, the preference, the twelve others
    assert select.index("Distant Academy (the family&#x27;s preference)") < select.index(
        "Local School 00"
    )
    response = client.post(
        url,
        {
            "case": case.reference,
            "outcome": "agree",
            "reasons": "The family's preferred school can meet the needs.",
            "named_setting": elsewhere.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Decision.objects.get().named_setting == elsewhere
    # The plans app reads it through the provider panels registers.
    assert panel_named_setting(case) == elsewhere


def test_settings_that_meet_the_childs_needs_come_next(client, make_meeting, on_agenda, case):
    case.stage = Stage.DECIDING_ISSUE
    case.needs = ["ASD", "SLCN"]
    case.save()
    SettingFactory(area=case.area, name="Alder Primary", needs_met=["HI"])
    SettingFactory(area=case.area, name="Zephyr Special School", needs_met=["ASD", "SLCN"])
    SettingFactory(area=case.area, name="Maple Primary", needs_met=["SLCN"])
    meeting = make_meeting("decision-to-issue", status="published")
    on_agenda(meeting, case)
    hold(meeting)
    client.force_login(meeting.chair)
    url = reverse("panels:decision", args=[meeting.pk])
    form = client.get(url + f"?case={case.reference}").content.decode()
    start = form.index('name="named_setting"')
    select = form[start : form.index("</select>", start)]
    assert (
        select.index("Zephyr Special School")
        < select.index("Maple Primary")
        < select.index("Alder Primary")
    )
    assert "Zephyr Special School, " in select and "(meets 2 of the child&#x27;s 2 needs)" in select
