"""The demo's paper applicant (issue 19): a family who asked for an assessment on paper and has
no account. The decision letter goes through the real workflow and the outbox posts it to the
child's address: with `make run` the worker writes the PDF to var/letters/, the address in the
envelope window of page 1, and the case page lists it under "Messages sent"."""

from __future__ import annotations

from django.utils import timezone

from cases.demo import DemoCouncil
from cases.models import Case
from cases.services import case_event_record
from cases.workflow import case_letter_send
from families.models import FamilyMembership


def build_paper_applicant(council: DemoCouncil) -> None:
    case = Case.objects.select_related("child").filter(is_open=True).order_by("pk")[5:6].first()
    if case is None:
        return
    child = case.child
    FamilyMembership.objects.filter(child=child).delete()
    child.address = child.address or "12 Paper Mill Row\nLeeds"
    child.save(update_fields=["address"])
    event = case_event_record(
        case=case,
        kind="decision",
        summary="Decided to carry out an EHC needs assessment (paper request, no account)",
        family_visible=True,
    )
    case_letter_send(
        case=case,
        letter="agree_to_assess",
        event=event,
        on=timezone.localdate(),
        reasons="The request and the school's evidence show the child may have special "
        "educational needs.",
        actor=None,
    )
