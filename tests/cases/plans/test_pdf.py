"""The final plan PDF reads like a real EHC plan: every section, the named setting and dates."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
import time_machine

from cases.models import Stage
from cases.plans.consultations import consultation_send
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.prefill import plan_prefill_from_advice
from cases.plans.sections import SECTIONS
from cases.plans.versions import plan_latest_version
from tests.cases.plans.conftest import ADVICE
from tests.factories import CaseFactory, SettingFactory

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


@pytest.fixture
def final_plan(team, caseworker):
    # Hand-worked: received Mon 2 Mar 2026; 20 weeks = Mon 20 Jul 2026 (reg 13(2)).
    # Appeal: 2 months after 20 Jul = 20 Sep, extended by the 31 August days inside the
    # period to Wed 21 Oct 2026 (HESC r.12(3)); annual review 20 Jul 2027 (s.44(1)).
    with time_machine.travel(date(2026, 7, 20)):
        case = CaseFactory(
            team=team,
            caseworker=caseworker,
            stage=Stage.DRAFTING,
            received_on=date(2026, 3, 2),
            issue_decision_on=date(2026, 6, 15),
            needs=["ASD", "SLCN"],
            child__first_name="Amara",
            child__last_name="Okafor",
            child__date_of_birth=date(2017, 5, 9),
            child__year_group="Year 4",
        )
        plan = plan_create(case=case, actor=caseworker)
        plan_prefill_from_advice(plan=plan, advice=ADVICE, actor=caseworker)
        plan = plan_issue_draft(plan=plan, actor=caseworker, on=date(2026, 7, 1))
        setting = SettingFactory(name="Riverside Primary School", urn="123456")
        consultation_send(plan=plan, settings=[setting], actor=caseworker, on=date(2026, 7, 2))
        plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    return plan


def test_pdf_holds_every_section_the_child_the_setting_and_the_dates(final_plan):
    plan = final_plan
    plan.final_document.file.open("rb")
    pdf = plan.final_document.file.read()
    text = _text(pdf)
    for section in SECTIONS:
        assert section.title in text, section.key
    assert "Amara Okafor" in text
    assert "9 May 2017" in text
    assert "Riverside Primary School (URN 123456)" in text
    assert "Final plan issued 20 July 2026" in text
    assert "Next annual review by 20 July 2027" in text
    assert "The last day to appeal is 21 October 2026" in text
    assert "Finds it hard to follow spoken instructions" in text
    assert "Meets need B3" in text
    assert plan.twenty_week_due == date(2026, 7, 20) and plan.twenty_week_met is True


def test_pdf_is_tagged_with_real_headings(final_plan):
    final_plan.final_document.file.open("rb")
    reader = pypdf.PdfReader(io.BytesIO(final_plan.final_document.file.read()))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])

    def roles(node, found):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                roles(kid, found)
            return found
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return found
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            roles(node["/K"], found)
        return found

    found = roles(root["/StructTreeRoot"], set())
    assert {"/H1", "/H2"} <= found


def test_html_view_and_pdf_share_the_same_content(final_plan, client, caseworker):
    client.force_login(caseworker)
    page = client.get(f"/cases/{final_plan.case.reference}/plan/preview/").content.decode()
    for section in SECTIONS:
        assert section.title.replace("'", "&#x27;") in page
    assert "21 October 2026" in page
    assert "Riverside Primary School" in page
    assert plan_latest_version(final_plan).number == final_plan.final_version
