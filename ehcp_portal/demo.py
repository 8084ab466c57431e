"""The demo council, put together: each app builds its own part (its `demo.py`, importing only
itself and the apps below it), and this composition root calls them in order. `seed_demo` runs
it.

Streamed: the children and their cases are made, written and committed a batch at a time
(`BATCH`), and nothing of a batch is kept after it, so memory stays flat whatever the number of
cases (1,000,000 in under 1 GB). The passes after the cases read them back with server-side
cursors, each in its own transaction.
"""

from __future__ import annotations

import gc
from datetime import date

from django.db import reset_queries, transaction
from django.utils import timezone

from cases import demo as core
from cases.advice import demo as advice
from cases.assignment import demo as assignment
from cases.correspondence import demo as correspondence
from cases.demo import DEMO_PASSWORD, DemoCouncil, DemoResult
from cases.events import demo as events
from cases.members import demo as members
from cases.models import Case
from cases.plans import demo as plans
from cases.quality import demo as quality
from cases.schools import demo as schools
from cases.services import case_event_record
from cases.workflow import case_letter_send
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role, User
from ehcp_portal.audit import demo as audit
from ehcp_portal.db import BatchWriter
from ehcp_portal.governance import demo as governance
from families import demo as families
from families.models import FamilyMembership
from notifications.models import Notification
from panels import demo as panels

__all__ = ["DEMO_PASSWORD", "demo_build", "demo_reset"]

# Children and cases made, written and committed together (a multiple of 8: a family's second
# child is in the same batch as its first).
BATCH = 10_000


def demo_build(
    *, seed: int, cases: int, today: date | None = None, batch: int = BATCH
) -> DemoResult:
    council = DemoCouncil(seed=seed, cases=cases, today=today)
    with transaction.atomic():
        core.build_council(council)
        panel_members = panels.build_panel_members(council)
        members.build_councillors(council)
        advice_teams = advice.build_advice_givers(council)
        demo_accounts = families.build_family_demo_accounts(council)
    # Each batch's rows are sent by a second connection while the next batch is made: the
    # seed is Python and database in turn, and the two then run side by side.
    with BatchWriter() as writer:
        for start in range(0, cases, batch):
            with transaction.atomic(), core.demo_copies_held() as held:
                children, consents = families.build_families(
                    council, demo_accounts, start, min(start + batch, cases)
                )
                priority = assignment.case_priority_rule(council, consents)
                core.build_cases(council, children, start=start, priority=priority)
            writer.write(core.demo_copies_send, held)
            del children, consents, held
            reset_queries()  # DEBUG's statement log (`make run`): not kept batch after batch
            gc.collect()
    with transaction.atomic():
        panels.build_panels(council, panel_members)
        members.build_member_enquiries(council)
        assignment.build_assignment_profiles(council)
        families.build_front_door(council)
    with transaction.atomic():
        advice.build_advice_requests(council, advice_teams)
    with transaction.atomic():
        plans.build_plans(council)
        schools.build_school_demo(council)
        quality.build_quality(council)
    with transaction.atomic():
        governance.build_retention_demo(council)
        audit.build_access_log()
    with transaction.atomic():
        events.build_events()
    with transaction.atomic():
        _build_families_reached_by_text_and_post(council)
        correspondence.build_paper_applicant(council)
    return council.result


TEXTING_FAMILY = f"texts.family@{NO_EMAIL_DOMAIN}"
POSTED_FAMILY = f"post.family@{NO_EMAIL_DOMAIN}"


def _build_families_reached_by_text_and_post(council: DemoCouncil) -> None:
    """Two families the council holds no email address for (issue 19), each sent a decision
    letter through the real workflow: one gave only a mobile number (its text goes to
    var/sms/), one applied on paper and has only a postal address (the letter's PDF goes to
    var/letters/). The worker (`make run`) delivers them."""
    cases = list(Case.objects.select_related("child").filter(is_open=True).order_by("pk")[3:5])
    if len(cases) < 2:
        return
    texting = council.user(
        TEXTING_FAMILY,
        "Alex Byrne",
        Role.PARENT,
        "no email held: only a mobile number (texts in var/sms/)",
        phone="07700 900 456",
        contact_channel="sms",
    )
    posted = council.user(
        POSTED_FAMILY,
        "Pat Quinn",
        Role.PARENT,
        "assisted digital: only a postal address (letters in var/letters/)",
        contact_channel="post",
    )
    # The council holds no address for the texting family, so nothing goes by post to them.
    cases[0].child.address = ""
    cases[0].child.save(update_fields=["address"])
    for case, family in zip(cases, (texting, posted), strict=True):
        FamilyMembership.objects.filter(child=case.child).delete()
        FamilyMembership.objects.create(
            user=family, child=case.child, relationship=FamilyMembership.Relationship.PARENT
        )
        event = case_event_record(
            case=case,
            kind="decision",
            summary="Decided to carry out an EHC needs assessment",
            family_visible=True,
        )
        case_letter_send(
            case=case,
            letter="agree_to_assess",
            event=event,
            on=timezone.localdate(),
            reasons="The evidence shows the child may have special educational needs.",
            actor=None,
        )


def demo_reset() -> None:
    """Remove everything demo_build made (seed_demo --reset), the apps above first."""
    with transaction.atomic():
        audit.access_log_reset()
        Notification.objects.all().delete()
        User.objects.filter(email__in=[TEXTING_FAMILY, POSTED_FAMILY]).delete()
        governance.governance_reset()
        panels.panels_reset()
        members.members_reset()
        core.cases_reset()
        advice.advice_reset()
        families.families_reset()
        core.council_reset()
