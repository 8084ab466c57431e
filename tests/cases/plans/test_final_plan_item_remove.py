"""Removing an item from a plan that is already final is refused on the page (issue 14 found a
500: the refusal was added to a form nobody had filled in)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cases.plans.consultations import consultation_send
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from tests.cases.plans.conftest import days_ago


def test_removing_an_item_from_a_final_plan_says_why_on_the_page(plan, caseworker, setting, family):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    item_id = plan.versions.order_by("-number").first().sections["E"]["items"][0]["id"]
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    response = client.post(
        reverse("plans:section", args=[plan.case.reference, "E"]),
        {"form": "remove", "item": item_id},
        follow=True,
    )
    assert response.status_code == 200
    assert "The final plan has been issued: change it through an annual review." in (
        response.content.decode()
    )
    assert item_id in [i["id"] for i in plan.versions.order_by("-number")[0].sections["E"]["items"]]
