"""Panel pages. Every view asks `ehcp_portal.access`: a meeting a user does not sit on (or
oversee) does not exist for them (404), and papers exist only from the agenda's publication."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.documents import document_response
from cases.models import Area
from cases.plans.placement import case_family_preferred_setting
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest
from panels import access as panels_access
from panels import selectors, services
from panels.forms import (
    AgendaForm,
    AttendanceForm,
    DecisionForm,
    DeclarationForm,
    MeetingForm,
    PaperForm,
)
from panels.models import AgendaItem, Decision, Meeting

# Who may have a ratification page at all; which decisions each may ratify is panels/access.py.
RATIFYING_ROLES = (Role.PANEL_MEMBER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)


def _refused_into_form(form: Any, exc: services.PanelRefused) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.reason)


@login_required
def panels_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.PANEL_MEMBER)
    return _meeting_list(request)


@login_required
def meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER)
    return _meeting_list(request)


@login_required
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER)
    area = Area.objects.filter(teams__members=request.user).first()
    if area is None:
        raise Http404("No area")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                panel_type=data["panel_type"],
                area=area,
                on=data["date"],
                chair=data["chair"],
                members=data["members"],
                location=data["location"],
                actor=request.user,
            )
        except services.PanelRefused as exc:
            _refused_into_form(form, exc)
        else:
            messages.success(request, "Meeting set up: the chair can now build the agenda.")
            return redirect("panels:meeting", pk=meeting.pk)
    return render(request, "panels/meeting_form.html", {"form": form, "area": area})


def _meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    meetings = list(selectors.meetings_of(request.user)[:100])
    awaiting = selectors.decisions_awaiting_ratification(request.user).count()
    return render(
        request, "panels/home.html", {"meetings": meetings, "awaiting_ratification": awaiting}
    )


def _meeting(request: AuthenticatedHttpRequest, pk: int, action: str) -> Meeting:
    return panels_access.meeting_or_404(
        request.user,
        pk,
        action,
        queryset=Meeting.objects.select_related("panel_type", "chair", "area", "minutes"),
    )


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Queries: user's area (managers) or seat, meeting, members, items, declarations,
    # decisions, papers-access check; fixed whatever the length of the agenda.
    meeting = _meeting(request, pk, panels_access.MEETING_VIEW)
    user = request.user
    members = list(selectors.meeting_members(meeting))
    is_chair = meeting.chair_id == user.pk
    sits = is_chair or any(m.user_id == user.pk for m in members)
    oversees = user.role == Role.TEAM_MANAGER and not sits
    show_agenda = meeting.papers_open or is_chair or oversees
    items = list(selectors.agenda_items(meeting)) if show_agenda else []
    for item in items:
        current = _current_decisions(item)
        item.decision = current[0] if current else None
        item.conflicted = any(d.member_id == user.pk for d in item.declarations.all())
    seat = next((m for m in members if m.user_id == user.pk), None)
    may_record = meeting.status in (Meeting.Status.HELD, Meeting.Status.CLOSED) and (
        is_chair or (seat is not None and seat.attended)
    )
    return render(
        request,
        "panels/meeting_detail.html",
        {
            "meeting": meeting,
            "members": members,
            "quorum": services.meeting_quorum(meeting, members),
            "items": items,
            "is_chair": is_chair,
            "papers_visible": meeting.papers_open and sits,
            "may_record": may_record,
        },
    )


@login_required
def agenda_build(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_CHAIR)
    if meeting.status != Meeting.Status.DRAFT:
        messages.error(request, "The agenda has been published: it can no longer be changed.")
        return redirect("panels:meeting", pk=meeting.pk)
    candidates = selectors.agenda_candidates(meeting)
    form = AgendaForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_add(
                meeting=meeting, papers=form.cleaned_data["papers"], actor=request.user
            )
        except services.PanelRefused as exc:
            _refused_into_form(form, exc)
        else:
            messages.success(request, "Cases added to the agenda, most urgent first.")
            return redirect("panels:meeting", pk=meeting.pk)
    return render(request, "panels/agenda_build.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def agenda_remove(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_CHAIR)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    try:
        services.agenda_remove(meeting=meeting, item=item, actor=request.user)
    except services.PanelRefused as exc:
        messages.error(request, exc.reason)
    return redirect("panels:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_CHAIR)
    try:
        services.meeting_publish(meeting=meeting, actor=request.user)
    except services.PanelRefused as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, "Agenda published: members can now read the papers.")
    return redirect("panels:meeting", pk=meeting.pk)


@login_required
def meeting_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_CHAIR)
    form = AttendanceForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_hold(
                meeting=meeting,
                attended_ids=[m.pk for m in form.cleaned_data["attended"]],
                actor=request.user,
            )
        except services.PanelRefused as exc:
            _refused_into_form(form, exc)
        else:
            if meeting.quorate:
                messages.success(request, "Attendance recorded: the meeting is quorate.")
            else:
                messages.warning(
                    request,
                    "Attendance recorded: the meeting is not quorate, so its decisions need "
                    "ratifying before they take effect.",
                )
            return redirect("panels:meeting", pk=meeting.pk)
    return render(request, "panels/attendance.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def meeting_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_CHAIR)
    try:
        services.meeting_close(meeting=meeting, actor=request.user)
    except services.PanelRefused as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request, "Meeting closed. The minutes are being prepared: they appear here when ready."
        )
    return redirect("panels:meeting", pk=meeting.pk)


@login_required
def minutes_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_MINUTES)
    if meeting.minutes is None:
        raise Http404("No minutes yet")
    return document_response(meeting.minutes, filename=f"panel-minutes-{meeting.date:%Y-%m-%d}.pdf")


def _item(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> tuple[Meeting, AgendaItem]:
    meeting = _meeting(request, pk, panels_access.MEETING_PAPERS)
    item = get_object_or_404(
        AgendaItem.objects.select_related("case", "case__child", "paper", "paper__author"),
        pk=item_pk,
        meeting=meeting,
    )
    return meeting, item


@login_required
def item_detail(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _item(request, pk, item_pk)
    access_record(
        request.user,
        kind=AccessKind.PANEL_PAPER,
        case=item.case,
        object_ref=f"{meeting} (item {item.position})",
        request=request,
    )
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_record(
                item=item, member=request.user, interest=form.cleaned_data["interest"]
            )
        except services.PanelRefused as exc:
            _refused_into_form(form, exc)
        else:
            messages.success(
                request,
                f"Interest declared: you will not record the decision on {item.case.reference}.",
            )
            return redirect("panels:item", pk=meeting.pk, item_pk=item.pk)
    declarations = list(item.declarations.select_related("member"))
    return render(
        request,
        "panels/item_detail.html",
        {
            "meeting": meeting,
            "item": item,
            "evidence": list(item.paper.evidence.all()),
            "declarations": declarations,
            "declared": any(d.member_id == request.user.pk for d in declarations),
            "is_member": meeting.members.filter(user=request.user).exists(),
            "decisions": list(
                item.decisions.select_related("funding_band", "named_setting", "recorded_by")
            ),
            "form": form,
        },
    )


@login_required
def evidence_download(
    request: AuthenticatedHttpRequest, pk: int, item_pk: int, public_id: str
) -> FileResponse:
    _meeting_obj, item = _item(request, pk, item_pk)
    document = get_object_or_404(item.paper.evidence.all(), public_id=public_id)
    access_record(
        request.user,
        kind=AccessKind.PANEL_PAPER,
        case=item.case,
        object_ref=f"Evidence: {document.title}",
        request=request,
    )
    return document_response(document)


def _current_decisions(item: AgendaItem) -> list[Decision]:
    """The prefetch `panels.selectors.agenda_items` attaches (to_attr), typed."""
    return cast("list[Decision]", getattr(item, "current_decisions", []))


@login_required
def decision_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, panels_access.MEETING_PAPERS)
    items = list(selectors.agenda_items(meeting))
    by_reference = {i.case.reference: i for i in items}
    reference = request.POST.get("case") or request.GET.get("case") or ""
    initial: dict[str, Any] = {"case": reference}
    current_item = by_reference.get(reference)
    if current_item is not None and _current_decisions(current_item):
        d = _current_decisions(current_item)[0]
        initial.update(
            outcome=d.outcome,
            reasons=d.reasons,
            funding_band=d.funding_band.code if d.funding_band else "",
            setting_type=d.setting_type,
            named_setting=d.named_setting_id,
            transport=""
            if d.transport_eligible is None
            else ("yes" if d.transport_eligible else "no"),
            advice_needed=d.advice_needed,
            actions="\n".join(
                f"{a['owner']}: {a['action']}" if a.get("owner") else a["action"] for a in d.actions
            ),
        )
    preferred = case_family_preferred_setting(current_item.case) if current_item else None
    form = DecisionForm(
        request.POST or None,
        initial=initial,
        meeting=meeting,
        items=items,
        preferred_setting=preferred,
        needs=current_item.case.needs if current_item else (),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = by_reference[data["case"]]
        try:
            decision = services.decision_record(
                meeting=meeting,
                case=item.case,
                actor=request.user,
                outcome=data["outcome"],
                reasons=data["reasons"],
                funding_band=data.get("funding_band"),
                setting_type=data.get("setting_type") or "",
                named_setting=data.get("named_setting"),
                transport_eligible=form.transport_value() if "transport" in form.fields else None,
                advice_needed=data.get("advice_needed") or "",
                actions=data.get("actions") or [],
            )
        except services.PanelRefused as exc:
            _refused_into_form(form, exc)
        else:
            if decision.needs_ratification:
                messages.warning(
                    request,
                    f"Decision recorded for {item.case.reference}. The meeting was not quorate, "
                    "so it needs ratifying before the case moves on or a letter is sent.",
                )
            else:
                messages.success(
                    request,
                    f"Decision recorded for {item.case.reference}: the case has moved on. "
                    "The letter is being prepared; the family is told when it is ready.",
                )
            return redirect("panels:meeting", pk=meeting.pk)
    return render(
        request,
        "panels/decision_form.html",
        {"meeting": meeting, "form": form, "editing": current_item},
    )


@login_required
def ratification(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, *RATIFYING_ROLES)
    decisions = list(selectors.decisions_awaiting_ratification(request.user)[:200])
    return render(request, "panels/ratification.html", {"decisions": decisions})


@login_required
@require_POST
def decision_ratify(request: AuthenticatedHttpRequest, decision_pk: int) -> HttpResponse:
    access.role_required(request.user, *RATIFYING_ROLES)
    decision = get_object_or_404(
        selectors.decisions_awaiting_ratification(request.user), pk=decision_pk
    )
    try:
        services.decision_ratify(decision=decision, actor=request.user)
    except services.PanelRefused as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            f"Decision ratified for {decision.item.case.reference}: the case has moved on. "
            "The letter is being prepared; the family is told when it is ready.",
        )
    return redirect("panels:ratification")


@login_required
def paper_put_forward(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_WORK,
        queryset=access.case_queryset().select_related("child"),
    )
    form = PaperForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.paper_put_forward(
                case=case,
                panel_type=data["panel_type"],
                summary=data["summary"],
                recommendation=data["recommendation"],
                evidence=data.get("evidence") or [],
                author=request.user,
            )
        except services.PanelRefused as exc:
            _refused_into_form(form, exc)
        else:
            messages.success(
                request,
                f"{case.reference} put forward to the {data['panel_type'].name} panel.",
            )
            return redirect(reverse("casework:case_detail", args=[case.reference]))
    return render(request, "panels/paper_form.html", {"case": case, "form": form})
