"""The advice request can go to the child's own school (reg 6(1)(b)): the caseworker picks
"<school> (the child's school)", every active member of that school's staff is told and may see
and answer it from their advice inbox; nobody else may, and the caseworker follows it on the
case page like any other request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.advice.models import AdviceRequest
from cases.advice.services import AdviceAsk, AdviceRefused, advice_requests_send
from cases.models import Stage
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.factories import (
    CaseFactory,
    ChildFactory,
    SettingFactory,
    TeamFactory,
    UserFactory,
    family_for,
)
from tests.families.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    return SettingFactory(name="Meadow Primary")


@pytest.fixture
def senco(school):
    return UserFactory(role=Role.SCHOOL, setting=school, full_name="Sam Senco")


@pytest.fixture
def assessing_case(team, caseworker, school):
    return CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.ASSESSING,
        child=ChildFactory(setting=school),
    )


def _send_to_school(client, caseworker, case, school) -> AdviceRequest:
    client.force_login(caseworker)
    response = client.post(
        reverse("advice:request_new", args=[case.reference]), {"to_setting": f"s{school.pk}"}
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    return AdviceRequest.objects.get(case=case)


def test_the_form_offers_the_childs_own_school_first(client, assessing_case, caseworker, senco):
    other = SettingFactory(name="Aardvark Academy")
    UserFactory(role=Role.SCHOOL, setting=other)
    SettingFactory(name="Nobody Signs In School")
    client.force_login(caseworker)
    form = client.get(reverse("advice:request_new", args=[assessing_case.reference])).context[
        "form"
    ]
    choices = [label for _value, label in form.fields["to_setting"].choices]
    assert choices[:3] == [
        "Do not ask for this advice",
        "Meadow Primary (the child's school)",
        "Aardvark Academy",
    ]
    assert "Nobody Signs In School" not in choices


def test_caseworker_sends_to_the_childs_school_and_its_staff_are_told(
    client, assessing_case, caseworker, school, senco
):
    deputy = UserFactory(role=Role.SCHOOL, setting=school)
    UserFactory(role=Role.SCHOOL, setting=school, is_active=False)
    UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    request = _send_to_school(client, caseworker, assessing_case, school)
    assert (request.source, request.setting, request.addressee, request.team) == (
        "setting",
        school,
        None,
        None,
    )
    told = Notification.objects.filter(purpose="advice_requested")
    assert {n.recipient for n in told} == {senco, deputy}
    # The caseworker sees it on the case page like any other request.
    client.force_login(caseworker)
    page = client.get(reverse("casework:case_advice", args=[assessing_case.reference]))
    body = page.content.decode()
    assert reverse("advice:detail", args=[request.public_id]) in body
    assert "Meadow Primary (school or setting)" in body


def test_senco_of_the_school_sees_it_in_their_inbox_and_answers(
    client, assessing_case, caseworker, school, senco
):
    request = _send_to_school(client, caseworker, assessing_case, school)
    client.force_login(senco)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("advice:home") in home  # the navigation offers the inbox
    inbox = client.get(reverse("advice:home"))
    assert inbox.status_code == 200
    assert assessing_case.reference in inbox.content.decode()
    detail = client.get(reverse("advice:detail", args=[request.public_id]))
    assert detail.status_code == 200 and "Send your advice" in detail.content.decode()
    response = client.post(
        reverse("advice:submit", args=[request.public_id]),
        {
            "needs": "Finds phonics hard",
            "outcomes": "Reads at age level",
            "provision": "Daily small-group phonics",
            "attachments": [
                SimpleUploadedFile("senco.pdf", PDF_BYTES, content_type="application/pdf")
            ],
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.responded_by) == ("received", senco)
    document = request.attachments.get()
    # A colleague at the same school may read the advice and its report back.
    colleague = UserFactory(role=Role.SCHOOL, setting=school)
    client.force_login(colleague)
    download = reverse("cases:document_download", args=[document.public_id])
    assert client.get(download).status_code == 200
    assert Notification.objects.filter(recipient=caseworker, purpose="advice_received").exists()


def test_senco_of_another_school_gets_404(client, assessing_case, caseworker, school, senco):
    request = _send_to_school(client, caseworker, assessing_case, school)
    outsider = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    client.force_login(outsider)
    assert assessing_case.reference not in client.get(reverse("advice:home")).content.decode()
    for name in ("advice:detail", "advice:submit", "advice:decline"):
        assert client.get(reverse(name, args=[request.public_id])).status_code == 404
    assert (
        client.post(
            reverse("advice:decline", args=[request.public_id]),
            {"reason": "not_involved", "detail": "x"},
        ).status_code
        == 404
    )
    request.refresh_from_db()
    assert request.is_open


@pytest.mark.parametrize(
    "role", [Role.ADVICE_GIVER, Role.PANEL_MEMBER, Role.ELECTED_MEMBER, Role.ADMIN]
)
def test_other_roles_and_the_family_are_refused(
    client, assessing_case, caseworker, school, senco, role
):
    request = _send_to_school(client, caseworker, assessing_case, school)
    for user in (family_for(assessing_case), UserFactory(role=role, setting=school)):
        client.force_login(user)
        assert client.get(reverse("advice:detail", args=[request.public_id])).status_code == 404
        assert client.get(reverse("advice:submit", args=[request.public_id])).status_code == 404


def test_caseworker_of_another_area_cannot_see_it(
    client, assessing_case, caseworker, school, senco
):
    request = _send_to_school(client, caseworker, assessing_case, school)
    client.force_login(UserFactory(role=Role.CASEWORKER, team=TeamFactory()))
    assert client.get(reverse("advice:detail", args=[request.public_id])).status_code == 404


def test_a_school_nobody_can_sign_in_to_is_refused_with_a_reason(
    client, assessing_case, caseworker, school
):
    client.force_login(caseworker)
    response = client.post(
        reverse("advice:request_new", args=[assessing_case.reference]),
        {"to_setting": f"s{school.pk}"},
    )
    assert response.status_code == 200
    assert "Nobody at Meadow Primary can sign in" in response.content.decode()
    assert not AdviceRequest.objects.exists()
    with pytest.raises(AdviceRefused):
        advice_requests_send(
            case=assessing_case,
            actor=caseworker,
            asks=[AdviceAsk("setting", setting=school, addressee=caseworker)],
        )
