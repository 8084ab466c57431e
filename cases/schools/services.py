"""Writes of the schools app: school-led annual reviews (regs 20, 21) and the termly record of
whether the provision in section F was delivered.

The review's statutory steps go through the plans app's review services (`review_schedule`,
`review_set_meeting`, `review_record_report`), which write the case's milestones, so the
caseworker's clock, caseload and review page read what the school did; the council's decision
stays with the caseworker's review flow (`review_decide`). Messages go through the outbox with
idempotency keys, so a double click or a retry never sends twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.advice.models import AdviceRequest, AdviceSource
from cases.casework.services import case_task_create
from cases.models import Case
from cases.plans.models import Plan, PlanVersion, Review
from cases.plans.reviews import review_record_report, review_schedule, review_set_meeting
from cases.plans.versions import PlanError
from cases.schools.models import (
    Delivery,
    Invitee,
    ProvisionConfirmation,
    ReviewContribution,
    ReviewInvitation,
    SchoolReview,
)
from cases.schools.terms import Term
from cases.services import case_event_record
from cases.statutory import review_decision_due, review_notice_by
from ehcp_portal.accounts.models import Role, User
from families.models import FamilyMembership
from notifications.services import notification_queue

if TYPE_CHECKING:
    from django.db.models import QuerySet


class SchoolRefused(Exception):
    """Something the person asked for cannot be done; the message says why, in their words."""


# -- who is told --------------------------------------------------------------------------------


def setting_staff(setting_id: int | None) -> QuerySet[User]:
    """Every active member of a school's staff: a school's work is for the school, not one
    person (as reg 6(1)(b) advice requests are)."""
    return User.objects.filter(role=Role.SCHOOL, setting_id=setting_id or -1, is_active=True)


def notify(
    recipients: Iterable[User],
    *,
    key: str,
    purpose: str,
    subject: str,
    body: str,
    link: str,
    case: Case,
) -> None:
    """One message per person through the outbox; the key makes a repeat a no-op and the
    person's preferences decide whether the email goes (notification_first_status)."""
    for recipient in recipients:
        notification_queue(
            recipient=recipient,
            purpose=purpose,
            event_key=key,
            subject=subject,
            body=body,
            link=link,
            case=case,
        )


# -- the plan's provision -----------------------------------------------------------------------


def final_version(plan: Plan) -> PlanVersion | None:
    if plan.final_version is None:
        return None
    return plan.versions.filter(number=plan.final_version).first()


def provision_items(version: PlanVersion | None) -> list[dict[str, Any]]:
    """The provision items of section F of the final plan ({"id", "text", "outcome"})."""
    if version is None:
        return []
    return list((version.sections or {}).get("F", {}).get("items", []))


def outcome_items(version: PlanVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    return list((version.sections or {}).get("E", {}).get("items", []))


# -- annual reviews -----------------------------------------------------------------------------


def open_review(plan: Plan) -> Review | None:
    return plan.reviews.filter(decision_on__isnull=True).order_by("-due_on", "-id").first()


def _invitees_resolve(case: Case, kinds: Iterable[str]) -> list[tuple[str, User | None, str]]:
    """(kind, user or None, name) for each chosen kind of invitee; people the portal cannot
    reach are named for the school to invite by letter."""
    found: list[tuple[str, User | None, str]] = []
    memberships = list(
        FamilyMembership.objects.filter(child_id=case.child_id).select_related("user")
    )
    advice = list(
        AdviceRequest.objects.filter(case=case)
        .exclude(source=AdviceSource.SETTING)
        .select_related("addressee", "responded_by")
    )
    for kind in kinds:
        if kind == Invitee.FAMILY:
            people = [m.user for m in memberships if m.user.role == Role.PARENT]
        elif kind == Invitee.YOUNG_PERSON:
            people = [m.user for m in memberships if m.user.role == Role.YOUNG_PERSON]
        elif kind == Invitee.CASEWORKER:
            people = [case.caseworker] if case.caseworker else []
        else:
            wanted: set[str] | None = {
                str(Invitee.HEALTH): {str(AdviceSource.HEALTH)},
                str(Invitee.SOCIAL_CARE): {str(AdviceSource.SOCIAL_CARE)},
            }.get(str(kind))
            people = []
            for request in advice:
                if wanted is None and request.source in (
                    AdviceSource.HEALTH,
                    AdviceSource.SOCIAL_CARE,
                ):
                    continue
                if wanted is not None and request.source not in wanted:
                    continue
                person = request.responded_by or request.addressee
                if person is not None and person not in people:
                    people.append(person)
        if people:
            found += [(kind, person, person.get_full_name()) for person in people]
        else:
            label = Invitee(kind).label
            found.append((kind, None, f"{label} (no contact held: invite by letter)"))
    return found


@transaction.atomic
def school_review_arrange(
    *,
    case: Case,
    user: User,
    meeting_on: date,
    invitees: list[str],
    today: date | None = None,
) -> SchoolReview:
    """The school arranges the review meeting and the portal sends the invitations now, which
    must be at least 2 weeks before the meeting (reg 20(3)); arranging it again (a new date)
    invites everyone again."""
    today = today or timezone.localdate()
    plan = Plan.objects.select_for_update(of=("self",)).get(case_id=case.pk)
    review = open_review(plan)
    try:
        if review is None:
            review = review_schedule(plan=plan, actor=user, today=today)
        review = review_set_meeting(
            review=review, meeting_on=meeting_on, actor=user, invitations_sent_on=today
        )
    except PlanError as error:
        raise SchoolRefused(str(error)) from error
    setting = plan.named_setting or user.setting
    if setting is None:
        raise SchoolRefused("Only the school named in the plan arranges its review.")
    school_review, _ = SchoolReview.objects.select_for_update().get_or_create(
        review=review, defaults={"case": case, "setting": setting}
    )
    if school_review.report_sent_on:
        raise SchoolRefused("The report of this review has been sent.")
    school_review.invitees = list(invitees)
    school_review.arranged_by = user
    school_review.papers_circulated_on = None
    school_review.save(update_fields=["invitees", "arranged_by", "papers_circulated_on"])
    school_review.invitations.all().delete()
    resolved = _invitees_resolve(case, invitees)
    ReviewInvitation.objects.bulk_create(
        [
            ReviewInvitation(
                school_review=school_review,
                kind=kind,
                recipient=person,
                name=name[:200],
                sent_on=today if person else None,
            )
            for kind, person, name in resolved
        ]
    )
    setting = school_review.setting
    # Advice givers (health, social care, those who advised on the plan) give theirs online on
    # their own invitation's page.
    invitation_of = {
        (kind, recipient_id): pk
        for pk, kind, recipient_id in school_review.invitations.filter(
            recipient__isnull=False
        ).values_list("pk", "kind", "recipient_id")
    }
    for kind, person, _ in resolved:
        if person is None:
            continue
        family = kind in (Invitee.FAMILY, Invitee.YOUNG_PERSON)
        link = (
            reverse("schools:family", args=[case.reference])
            if family
            else reverse("schools:staff_review", args=[case.reference])
            if person.role in (Role.CASEWORKER, Role.TEAM_MANAGER)
            else reverse("schools:invitee_views", args=[invitation_of[(kind, person.pk)]])
            if person.role == Role.ADVICE_GIVER and (kind, person.pk) in invitation_of
            else ""
        )
        notify(
            [person],
            key=f"schools:invite:{school_review.pk}:{meeting_on.isoformat()}",
            purpose="school_review_invitation",
            subject=f"Annual review meeting on {meeting_on:%-d %B %Y}",
            body=(
                f"{setting.name} invites you to the annual review of the EHC plan for "
                f"{case.child.full_name} on {meeting_on:%-d %B %Y}.\n"
                + (
                    "You can tell us your views online before the meeting."
                    if family
                    else "Please send any advice or information before "
                    f"{review_notice_by(meeting_on):%-d %B %Y}, so it can go to everyone "
                    "2 weeks before the meeting."
                )
            ),
            link=link,
            case=case,
        )
    case_event_record(
        case=case,
        kind="school_review_arranged",
        summary=f"{setting.name} arranged the annual review meeting for {meeting_on:%-d %B %Y}",
        actor=user,
        family_visible=True,
        data={"invitees": list(invitees)},
    )
    return school_review


@transaction.atomic
def school_review_contribute(
    *, school_review: SchoolReview, user: User, body: str, today: date | None = None
) -> ReviewContribution:
    """Someone's views before the meeting (reg 20(4)); changed freely until the papers go out."""
    today = today or timezone.localdate()
    school_review = (
        SchoolReview.objects.select_for_update().select_related("review").get(pk=school_review.pk)
    )
    meeting_on = school_review.review.meeting_on
    if meeting_on is None or today > meeting_on:
        raise SchoolRefused("Views are gathered before the review meeting.")
    if school_review.papers_circulated_on is not None:
        raise SchoolRefused(
            "The papers for the meeting have gone out: bring anything more to the meeting."
        )
    contribution, _ = ReviewContribution.objects.update_or_create(
        school_review=school_review,
        author=user,
        defaults={"body": body, "author_role": user.role, "submitted_at": timezone.now()},
    )
    case_event_record(
        case=school_review.case,
        kind="school_review_views",
        summary=f"{user.get_full_name()} gave their views for the annual review",
        actor=user,
        family_visible=user.role in (Role.PARENT, Role.YOUNG_PERSON),
    )
    return contribution


@transaction.atomic
def school_review_circulate(
    *, school_review: SchoolReview, user: User, today: date | None = None
) -> tuple[SchoolReview, bool]:
    """The advice and views go to everyone invited, at least 2 weeks before the meeting (reg
    20(4)). Returns (review, repeated): circulating twice sends nothing more."""
    today = today or timezone.localdate()
    school_review = (
        SchoolReview.objects.select_for_update(of=("self",))
        .select_related("review", "case__child", "setting")
        .get(pk=school_review.pk)
    )
    if school_review.papers_circulated_on is not None:
        return school_review, True
    meeting_on = school_review.review.meeting_on
    if meeting_on is None or today > meeting_on:
        raise SchoolRefused("The papers go out before the review meeting.")
    school_review.papers_circulated_on = today
    school_review.save(update_fields=["papers_circulated_on"])
    case = school_review.case
    people = [
        i.recipient for i in school_review.invitations.select_related("recipient") if i.recipient
    ]
    notify(
        people,
        key=f"schools:papers:{school_review.pk}:{meeting_on.isoformat()}",
        purpose="school_review_papers",
        subject=f"Papers for the annual review on {meeting_on:%-d %B %Y}",
        body=(
            f"The advice and views for the annual review of {case.child.full_name}'s EHC plan "
            "are ready to read before the meeting."
        ),
        link="",
        case=case,
    )
    late = today > review_notice_by(meeting_on)
    case_event_record(
        case=case,
        kind="school_review_papers",
        summary="The advice and views for the annual review were circulated"
        + (" (less than 2 weeks before the meeting)" if late else ""),
        actor=user,
        family_visible=True,
    )
    return school_review, False


def report_prefill(school_review: SchoolReview, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The report starts from the delivery record: for each provision item, the school's most
    recent termly confirmation."""
    if school_review.provision:
        return dict(school_review.provision)
    latest: dict[str, ProvisionConfirmation] = {}
    for confirmation in ProvisionConfirmation.objects.filter(
        plan_id=school_review.review.plan_id, party=ProvisionConfirmation.Party.SCHOOL
    ).order_by("term"):
        latest[confirmation.item_id] = confirmation
    return {
        item["id"]: {
            "status": latest[item["id"]].status if item["id"] in latest else "",
            "note": latest[item["id"]].note if item["id"] in latest else "",
        }
        for item in items
    }


@transaction.atomic
def school_review_report_save(
    *,
    school_review: SchoolReview,
    user: User,
    version: int,
    outcomes: Mapping[str, str],
    provision: Mapping[str, Mapping[str, str]],
    recommended_changes: str,
    send: bool,
    today: date | None = None,
) -> SchoolReview:
    """Save the school's report and, when `send`, send it to the council (reg 20(7): within 2
    weeks of the meeting). The caseworker then has a task to decide within 4 weeks of the
    meeting (reg 20(10)) through the review flow."""
    today = today or timezone.localdate()
    school_review = (
        SchoolReview.objects.select_for_update(of=("self",))
        .select_related("review", "case__child", "case__caseworker", "setting")
        .get(pk=school_review.pk)
    )
    if school_review.report_sent_on is not None:
        raise SchoolRefused("The report has been sent to the council: it can no longer change.")
    if school_review.version != version:
        raise SchoolRefused(
            "Someone else at your school saved this report after you opened it. Your changes "
            "have not been saved: open the report again to see theirs."
        )
    review = school_review.review
    school_review.outcomes = dict(outcomes)
    school_review.provision = {key: dict(value) for key, value in provision.items()}
    school_review.recommended_changes = recommended_changes
    school_review.version += 1
    fields = ["outcomes", "provision", "recommended_changes", "version"]
    if send:
        if review.meeting_on is None or today < review.meeting_on:
            raise SchoolRefused("Send the report after the review meeting.")
        try:
            review_record_report(review=review, received_on=today, actor=user)
        except PlanError as error:
            raise SchoolRefused(str(error)) from error
        school_review.report_sent_on = today
        school_review.report_sent_by = user
        fields += ["report_sent_on", "report_sent_by"]
    school_review.save(update_fields=fields)
    if send:
        case = school_review.case
        decide_by = review_decision_due(review.meeting_on)  # type: ignore[arg-type]
        case_task_create(
            case=case,
            title=f"Decide the annual review (keep, amend or cease): the school's report came "
            f"on {today:%-d %B %Y}",
            due_on=decide_by,
            assignee=case.caseworker,
            actor=user,
        )
        if case.caseworker:
            notify(
                [case.caseworker],
                key=f"schools:report:{school_review.pk}",
                purpose="school_review_report",
                subject=f"Annual review report for {case.reference} from {school_review.setting}",
                body=(
                    f"{school_review.setting} sent the report of the annual review meeting of "
                    f"{review.meeting_on:%-d %B %Y}. The council's decision is due by "
                    f"{decide_by:%-d %B %Y} (reg 20(10))."
                ),
                link=reverse("schools:staff_review", args=[case.reference]),
                case=case,
            )
        case_event_record(
            case=case,
            kind="school_review_report",
            summary=f"{school_review.setting} sent the annual review report",
            actor=user,
            family_visible=True,
        )
    return school_review


# -- provision delivery -------------------------------------------------------------------------


@transaction.atomic
def provision_confirm(
    *,
    case: Case,
    plan: Plan,
    user: User,
    party: str,
    term: Term,
    answers: Mapping[str, tuple[str, str]],
    versions: Mapping[str, int],
    items: list[dict[str, Any]],
) -> list[ProvisionConfirmation]:
    """Record, for one term, whether each provision item was delivered, in the view of the
    school or the family. A confirmation changed by someone else since the form was opened is
    refused (nothing is saved), so no one's answer is silently overwritten."""
    texts = {item["id"]: item.get("text", "") for item in items}
    existing = {
        c.item_id: c
        for c in ProvisionConfirmation.objects.select_for_update().filter(
            plan=plan, term=term.key, party=party, item_id__in=list(answers)
        )
    }
    for item_id in answers:
        found = existing.get(item_id)
        if (found.version if found else 0) != versions.get(item_id, 0):
            raise SchoolRefused(
                f"Someone else confirmed provision {item_id} after you opened this page. "
                "Nothing has been saved: check their answer and confirm again."
            )
    saved: list[ProvisionConfirmation] = []
    for item_id, (status, note) in answers.items():
        if status not in Delivery.values:
            raise SchoolRefused(f"Say whether provision {item_id} was delivered.")
        found = existing.get(item_id)
        if found is None:
            try:
                with transaction.atomic():
                    found = ProvisionConfirmation.objects.create(
                        case=case,
                        plan=plan,
                        item_id=item_id,
                        item_text=texts.get(item_id, ""),
                        term=term.key,
                        party=party,
                        status=status,
                        note=note,
                        confirmed_by=user,
                    )
            except IntegrityError as error:
                raise SchoolRefused(
                    f"Someone else confirmed provision {item_id} at the same moment. "
                    "Check their answer and confirm again."
                ) from error
        else:
            found.status, found.note = status, note
            found.confirmed_by, found.confirmed_at = user, timezone.now()
            found.version += 1
            found.save()
        saved.append(found)
    case_event_record(
        case=case,
        kind="provision_confirmed",
        summary=f"{'The school' if party == 'school' else 'The family'} confirmed the provision "
        f"delivered in the {term.label.lower()}",
        actor=user,
        family_visible=True,
    )
    return saved


# -- phase transfers (reg 18) -------------------------------------------------------------------


def phase_transfer_reviews_invite(
    *, cases: list[Case], actor: User, year: int, today: date | None = None
) -> tuple[int, int]:
    """Ask the schools of these children to start their phase transfer reviews early, so the
    plan is amended by 15 February (31 March for post-16). Each child's review is scheduled if
    it is not yet; each school is asked once per child and year. Returns (asked, already)."""
    from cases.schools.models import SchoolAlert

    today = today or timezone.localdate()
    asked = already = 0
    for case in cases:
        with transaction.atomic():
            plan = Plan.objects.select_for_update(of=("self",)).filter(case_id=case.pk).first()
            if plan is None or plan.status != Plan.Status.FINAL:
                continue
            review = open_review(plan)
            if review is None:
                try:
                    review = review_schedule(plan=plan, actor=actor, today=today)
                except PlanError:
                    continue
            key = f"schools:early_review:{case.pk}:{year}"
            alert, created = SchoolAlert.objects.get_or_create(
                key=key,
                defaults={
                    "kind": SchoolAlert.Kind.EARLY_REVIEW,
                    "case": case,
                    "detail": f"Phase transfer {year}",
                    "raised_on": today,
                },
            )
            if not created:
                already += 1
                continue
            asked += 1
            notify(
                [*setting_staff(plan.named_setting_id or case.child.setting_id)],
                key=key,
                purpose="school_early_review",
                subject=f"Please start {case.child.full_name}'s phase transfer review now",
                body=(
                    f"{case.child.full_name} moves to a new phase in September {year}. The plan "
                    f"must be reviewed and amended by {review.complete_by:%-d %B %Y} (reg 18). "
                    "Please arrange the annual review meeting as soon as you can."
                ),
                link=reverse("schools:review", args=[case.reference]),
                case=case,
            )
            case_event_record(
                case=case,
                kind="school_early_review",
                summary=f"The school was asked to start the phase transfer review early ({year})",
                actor=actor,
            )
    return asked, already
