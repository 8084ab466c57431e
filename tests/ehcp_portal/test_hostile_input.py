"""No 500 from anything a person (or a script) can send: every form and API body in the portal,
found automatically, gets hostile values.

How it works, so a new page or form is covered without anyone remembering to add it:

1. The demo council is built (every stage, every role) and each role's demo user, and a visitor
   who is not signed in, walks the portal from their home page by following its links, the way
   a person would. Every page reached is a real object that user may see.
2. Every form on those pages (its fields, their current values, where it posts) is sent again
   with hostile values: NUL characters, 100,000-character strings, huge numbers, the wrong
   types, several values where one is expected, and a file that only pretends to be a PDF; each
   field alone (the others as the page filled them, text boxes with a value a person typed) and
   all at once. The answer must be a 4xx, a redirect, or the form again (200) with a GOV.UK
   error summary that still shows what was typed in the other boxes. Never a 500.
3. Every page reached is also sent hostile query strings and a hostile POST body, and every
   API endpoint gets JSON garbage: a 4xx (with a JSON body for the API), never a 500.
4. Every URL pattern in the resolver must have been exercised, or be listed in `NOT_REACHED`
   with the reason; a new pattern that is neither fails the test.
"""

from __future__ import annotations

import json
import re
import time
import uuid
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from cases.advice.models import AdviceRequest
from cases.models import Case
from cases.plans.models import Consultation
from ehcp_portal import access
from ehcp_portal.accounts.models import User
from families.models import RequestDraft
from panels.access import meetings_for

# Third-party URLs: the Django admin (the council's administrators only; Django's own forms) and
# allauth's account pages. Their forms that the walk reaches are still exercised; their other
# patterns change only with a library upgrade, so they are not required to be reached.
THIRD_PARTY_PREFIXES = ("admin/", "accounts/")
# The integration API is walked by its own property-based runner: schemathesis sends generated
# (and hostile) values for every parameter and body of every operation in /api/schema/, with a
# token of each scope, and fails on any 5xx (tests/integrations/test_contract.py).
API_PREFIX = "api/"

# Patterns the walk cannot reach from where people start, each with why. A pattern in neither
# place fails the test; one listed here that the walk reaches after all (the demo's state moved)
# is a warning to shorten the list, not a failure, so the demo's dates cannot break the build.
# Each also gets hostile path values and bodies in test_hostile_path_values.
NEEDS = "needs a state the demo council does not hold: "
NOT_REACHED: dict[str, str] = {
    "track/<str:reference>/about-your-child/": NEEDS + "a plan being drafted on a demo family's "
    "case; bad input in tests/cases/quality/test_plan_voice.py",
    "advice/sign-in/<str:token>/": "the one-time sign-in link arrives by email, never as a link "
    "on a page",
    "healthz": "a JSON health check for the load balancer: no body, no links to it",
    "livez": "the load balancer's liveness probe: no body, no links to it (tests/ehcp_portal/"
    "test_health.py)",
    "readyz": "the load balancer's readiness probe: no body, no links to it (tests/ehcp_portal/"
    "test_health.py)",
    "assignment/cohort/<int:pk>/": NEEDS + "an uploaded cohort file",
    "cases/<str:reference>/assignment/place/": NEEDS + "a case outside every area",
    "cases/<str:reference>/disputes/<int:dispute_id>/": NEEDS + "a dispute on a staff case page",
    "cases/<str:reference>/disputes/new/": NEEDS + "a disputable decision on the walked cases",
    "cases/<str:reference>/plan/bring-in-advice/": NEEDS + "advice received after drafting",
    "cases/<str:reference>/plan/diff/": NEEDS + "a plan with two versions on the walked cases",
    "cases/<str:reference>/plan/files/<uuid:public_id>/": NEEDS + "an issued plan PDF",
    "members/inbox/<uuid:public_id>/route/": NEEDS + "an enquiry waiting to be routed",
    "panels/meetings/<int:pk>/agenda/<int:item_pk>/remove/": NEEDS + "a draft meeting with papers",
    "panels/meetings/<int:pk>/items/<int:item_pk>/evidence/<uuid:public_id>/": "the paper with "
    "evidence is past the walk's cap of pages per pattern; tests/panels/test_evidence_download.py",
    "track/<str:reference>/plan/respond/": NEEDS + "a draft plan issued to the demo family",
    "track/<str:reference>/plan/draft.pdf": NEEDS + "a draft plan issued to the demo family; "
    "tests/cases/plans/test_views.py",
    "track/<str:reference>/advice/<uuid:public_id>.pdf": NEEDS + "advice received on a case "
    "whose draft plan was issued to the demo family; tests/cases/advice/test_advice_brief.py",
    "assignment/cohort/<int:pk>/export.<str:fmt>": NEEDS + "an uploaded cohort file",
    "assignment/triage/export.<str:fmt>": NEEDS + "a case in the triage queue (the download "
    "is offered with the queue's rows)",
    "team/timeliness/": "an old address kept as a redirect to the dashboard; nothing links to it",
    "school/": "the school's first home page, kept as a redirect to its pupils' page (schools/); "
    "nothing links to it",
    "schools/invitations/<int:invitation_id>/views/": NEEDS + "an advice giver invited to a "
    "school's review; bad input in tests/schools/test_reviews.py",
    "schools/pupils/<str:reference>/review/circulate/": NEEDS + "a review meeting arranged with "
    "its papers not yet sent (a POST with no fields); tests/schools/test_reviews.py",
    "governance/subject-access/children/<int:child_id>/": "reached by a search the walk does "
    "not type; tests/governance/test_subject_access.py",
    "governance/subject-access/bundles/<uuid:public_id>/": NEEDS + "a subject access bundle",
    "governance/subject-access/bundles/<uuid:public_id>/download/": NEEDS
    + "a subject access bundle",
    "governance/subject-access/bundles/<uuid:public_id>/status/": NEEDS + "a subject access bundle",
    "caseload/filters/<int:filter_id>/remove/": NEEDS + "a saved filter; "
    "tests/cases/test_workbench.py",
    "letters/bulk/<int:pk>/": NEEDS + "a bulk send; tests/cases/correspondence/test_bulk.py",
    "letters/bulk/<int:pk>/status/": NEEDS + "a bulk send (polled by static JavaScript); "
    "tests/cases/correspondence/test_bulk.py",
    "letters/bulk/sample/": "posted by the bulk letter form's second button (the walk posts a "
    "form to its own action); tests/cases/correspondence/test_bulk.py",
    "letters/case/<str:reference>/status/": "JSON polled by static JavaScript while a letter is "
    "made; tests/cases/correspondence/",
    "notifications/notify/callback/": "called by GOV.UK Notify with a bearer token, never "
    "from a page; bad tokens and bodies in tests/notifications/test_channels.py",
    "sen2/cases/<str:reference>/": NEEDS + "a prepared SEN2 return listing a record to fix "
    "(made by the worker); tests/sen2/test_views.py",
    "sen2/returns/<uuid:public_id>/SEN2.xml": NEEDS + "a prepared SEN2 return (made by the "
    "worker); tests/sen2/test_views.py",
}

DEMO_USERS = [
    None,  # a visitor who is not signed in
    "parent@demo.ehcp.test",
    "youngperson@demo.ehcp.test",
    "senco@demo.ehcp.test",
    "ep@demo.ehcp.test",
    "caseworker@demo.ehcp.test",
    "manager.east@demo.ehcp.test",
    "panel.education@demo.ehcp.test",
    "councillor@demo.ehcp.test",
    "head.of.service@demo.ehcp.test",
    "dpo@demo.ehcp.test",
    "qa@demo.ehcp.test",
]
ANONYMOUS_START = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
# Pages walked per user and pattern (different cases show different forms), and in all.
URLS_PER_PATTERN = 2
PAGES_PER_USER = 400
DRAFT_PAGES = ["", "check/", "evidence/", "invite/", "done/", "claim-code/"]
SKIP_WALK = ("/admin/", "/static/", "/accounts/logout/")
NEVER_POST = ("/accounts/logout/",)  # signing out has no fields; it would end the walk

NUL = "a\x00b"
LONG = "x" * 100_000
HUGE = "9" * 40
HOSTILE_VALUES = {
    "nul": NUL,
    "100k": LONG,
    "huge number": HUGE,
    "negative float": "-1e308",
    "wrong type": "{'not': 'a value'}",
}
LIST_VALUE = ["first", "second"]


@dataclass
class Form:
    user: str | None
    page: str
    action: str
    method: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value)
    options: dict[str, list[str]] = field(default_factory=dict)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._textarea: list | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get").lower(),
                    "fields": [],
                    "options": defaultdict(list),
                }
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            value = a.get("value", "")
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                self.forms[-1]["options"][a["name"]].append(value)
                if "checked" not in a:
                    kind = "unchecked"  # a field all the same, sent only when hostile
            self.forms[-1]["fields"].append((a["name"], kind, value))
        elif tag == "button" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], "button", a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].append((a["name"], "select", ""))
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self.forms[-1]["options"][self._select].append(value)
            if "selected" in a:
                fields = self.forms[-1]["fields"]
                fields[-1] = (self._select, "select", value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self.forms:
            name, value = self._textarea
            self.forms[-1]["fields"].append((name, "textarea", value.strip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def _routes(resolver: URLResolver | None = None, prefix: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _internal(url: str, base: str) -> str | None:
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _client_for(email: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _starts(email: str | None) -> list[str]:
    """Where a person of this role starts: their home page, and the record of every case they
    may see in each stage (a case's forms depend on its stage), their own requests, the API."""
    if email is None:
        return list(ANONYMOUS_START)
    user = User.objects.get(email=email)
    starts = ["/home/", "/", "/api/cases/", "/panels/ratification/"]
    one_per_stage = {}
    # Cases with tasks, disputes or documents first: their pages have the most forms and links.
    cases = access.cases_for(user).annotate(
        things=Count("tasks", distinct=True)
        + Count("disputes", distinct=True)
        + Count("documents", distinct=True)
    )
    for reference, stage in cases.order_by("-things", "reference").values_list(
        "reference", "stage"
    ):
        one_per_stage.setdefault(stage, reference)
    for reference in one_per_stage.values():
        starts += [f"/cases/{reference}/", f"/cases/{reference}/plan/"]
    # Every panel meeting and advice request they may see: few, and each state has its forms.
    starts += [f"/panels/meetings/{pk}/" for pk in meetings_for(user).values_list("pk", flat=True)]
    starts += [
        f"/advice/{public_id}/"
        for public_id in AdviceRequest.objects.filter(addressee=user).values_list(
            "public_id", flat=True
        )
    ]
    for reference in Case.objects.filter(child__memberships__user=user).values_list(
        "reference", flat=True
    ):
        starts += [f"/track/{reference}/", f"/track/{reference}/plan/"]
    for draft in RequestDraft.objects.filter(created_by=user).values_list("public_id", flat=True):
        starts += [f"/requests/{draft}/{page}" for page in DRAFT_PAGES]
    if user.setting_id:
        starts += [
            f"/school/plans/{reference}/"
            for reference in Consultation.objects.filter(setting=user.setting_id).values_list(
                "plan__case__reference", flat=True
            )
        ]
    return starts


def _walk(email: str | None) -> tuple[list[str], list[Form], dict[str, int]]:
    """The pages one user reaches from where they start, and the forms on them."""
    client = _client_for(email)
    queue = _starts(email)
    starts = set(queue)  # always visited; links found on the way are capped per pattern
    seen: set[str] = set()
    per_route: Counter[str] = Counter()
    stages = dict(Case.objects.values_list("reference", "stage"))
    pages, forms, failures = [], [], {}
    while queue and len(pages) < PAGES_PER_USER:
        url = queue.pop(0)
        path = url.split("?")[0]
        if url in seen or path.startswith(SKIP_WALK):
            continue
        seen.add(url)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        # A case's pages show different forms in each stage: up to N pages per stage.
        cap_key = f"{match.route}|{stages.get(match.kwargs.get('reference', ''), '')}"
        if per_route[cap_key] >= URLS_PER_PATTERN and url not in starts:
            continue
        per_route[cap_key] += 1
        response = client.get(url)
        pages.append(url)
        if response.status_code >= 500:
            failures[f"GET {url} as {email}"] = response.status_code
            continue
        if response.status_code in (301, 302):
            target = _internal(response["Location"], url)
            if target:
                queue.append(target)
            continue
        if response.status_code == 200:
            links, found = _links_and_forms(email, url, response)
            queue += [link for link in links if link not in seen]
            forms += found
    return pages, forms, failures


def _links_and_forms(email: str | None, url: str, response) -> tuple[list[str], list[Form]]:
    content_type = response.get("Content-Type", "")
    if "json" in content_type:  # the API lists cases: follow to their detail
        references = re.findall(r'"reference":\s*"([^"]+)"', response.content.decode())
        return [f"/api/cases/{reference}/" for reference in references[:5]], []
    if "text/html" not in content_type:
        return [], []
    parser = _PageParser()
    parser.feed(response.content.decode())
    links = [target for link in parser.links if (target := _internal(link, url))]
    forms = []
    for found in parser.forms:
        action = _internal(found["action"], url) if found["action"] else url
        if action and not action.startswith(NEVER_POST):
            forms.append(
                Form(email, url, action, found["method"], found["fields"], dict(found["options"]))
            )
    return links, forms


def _typed(name: str) -> str:
    return f"Typed by a person {abs(hash(name)) % 10_000}"


def _baseline(form: Form) -> dict[str, object]:
    """The form as a person would send it: what the page filled in, text boxes typed into."""
    data: dict[str, object] = {}
    for name, kind, value in form.fields:
        if kind == "unchecked" or (kind in ("submit", "button") and name in data):
            continue  # a person presses one button
        if kind in ("text", "textarea", "search", "email", "tel", "number") and not value:
            value = _typed(name)
        if name in data:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    return data


def _typed_boxes(
    form: Form, data: dict[str, object], except_name: str | None
) -> list[tuple[str, str]]:
    return [
        (name, _typed(name))
        for name, kind, _ in form.fields
        if kind in ("text", "textarea") and name != except_name and data.get(name) == _typed(name)
    ]


def _judge(form: Form, response, sent: dict[str, object], hostile: str | None) -> str | None:
    """None if the answer is acceptable, else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status != 200 or form.method != "post":
        return None
    if response.get("Content-Type", "").startswith("application/json"):
        # A form posted to a JSON endpoint (the session timeout's "Stay signed in") that takes
        # no value from its fields: nothing typed to lose, and no page to show an error on.
        return None
    page = response.content.decode()
    if "govuk-error-summary" not in page and "govuk-error-message" not in page:
        if "govuk-notification-banner" in page:
            return None  # refused with a message at the top of the page
        return "200 with no error message"
    # What was typed in the other boxes is shown again (where the form is shown again).
    lost = [
        typed
        for name, typed in _typed_boxes(form, sent, hostile)
        if f'name="{name}"' in page and typed not in page
    ]
    return f"typed values lost: {lost}" if lost else None


def _exercise(form: Form, route: str) -> dict[str, str]:
    failures: dict[str, str] = {}
    client = _client_for(form.user)
    send = client.post if form.method == "post" else client.get
    # The CSRF token is checked before any view runs (and not by the test client).
    names = [name for name, kind, _ in form.fields if name != "csrfmiddlewaretoken"]
    file_names = [name for name, kind, _ in form.fields if kind == "file"]

    def attempt(label: str, data: dict[str, object], hostile: str | None) -> None:
        # Each attempt is made on the page as it was loaded: whatever it changed is undone, so
        # one accepted value does not hide the next attempt's form (a closed query, a sent plan).
        with transaction.atomic():
            response = send(form.action, data)
            transaction.set_rollback(True)
        if label == "no body at all":
            # Django's `Form(request.POST or None)` treats an empty body as no submission; a
            # browser always sends the form's fields, so only a 5xx is wrong here.
            problem = f"{response.status_code}" if response.status_code >= 500 else None
        else:
            problem = _judge(form, response, data, hostile)
        if problem:
            failures[f"{form.method.upper()} {route} as {form.user} ({label})"] = problem

    baseline = _baseline(form)
    for value_name, value in HOSTILE_VALUES.items():
        attempt(f"every field {value_name}", dict.fromkeys(names, value), None)
    attempt("every field a list", dict.fromkeys(names, LIST_VALUE), None)
    attempt("every field empty", dict.fromkeys(names, ""), None)
    attempt("no body at all", {}, None)
    for name in dict.fromkeys(names):
        if name in file_names:
            for label, upload in (
                ("a string instead of a file", "not a file"),
                ("HTML that starts %PDF-", SimpleUploadedFile("x.pdf", b"%PDF-1.7<html>")),
            ):
                attempt(f"{name}: {label}", {**baseline, name: upload}, name)
            continue
        for value_name in ("100k", "huge number", "wrong type"):
            attempt(f"{name}: {value_name}", {**baseline, name: HOSTILE_VALUES[value_name]}, name)
        attempt(f"{name}: a list", {**baseline, name: LIST_VALUE}, name)
        attempt(f"{name}: NUL", {**baseline, name: NUL}, name)
    return failures


def _more_of_the_council() -> None:
    """What the demo does not hold but pages exist for, made through the services a person's
    action calls: a task, a dispute and a document on the demo caseworker's cases, evidence on
    the demo parent's request, a failed email for the managers, a draft panel meeting, a held
    one with a decision to ratify and a closed one with its minutes."""
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload
    from django.utils import timezone

    from cases.casework.services import DISPUTABLE_EVENT_KINDS, case_task_create, dispute_record
    from cases.documents import document_store
    from cases.models import CaseEvent, Document
    from families.services.requests import request_evidence_add
    from notifications.models import Notification
    from panels import services as panels
    from panels.models import Meeting, PanelType
    from tests.families.helpers import PDF_BYTES

    caseworker = User.objects.get(email="caseworker@demo.ehcp.test")
    manager = User.objects.get(email="manager.east@demo.ehcp.test")
    case = access.cases_for(caseworker).filter(is_open=True).order_by("reference").first()
    case_task_create(
        case=case, title="Call the school", due_on=None, assignee=None, actor=caseworker
    )
    document_store(
        upload=Upload("report.pdf", PDF_BYTES, "application/pdf"),
        kind=Document.Kind.EVIDENCE,
        uploaded_by=caseworker,
        case=case,
    )
    decisions = CaseEvent.objects.filter(
        kind__in=DISPUTABLE_EVENT_KINDS, case__in=access.cases_for(caseworker)
    ).order_by("pk")
    for decision in decisions[:1]:
        dispute_record(case=decision.case, decision_event=decision, actor=caseworker)
    parent = User.objects.get(email="parent@demo.ehcp.test")
    for draft in RequestDraft.objects.filter(created_by=parent, case__isnull=True)[:1]:
        request_evidence_add(
            draft=draft, upload=Upload("school.pdf", PDF_BYTES, "application/pdf"), user=parent
        )
    in_area = Notification.objects.filter(case__area=manager.team.area).order_by("pk")
    Notification.objects.filter(pk__in=in_area.values("pk")[:5]).update(
        status=Notification.Status.FAILED
    )
    published = list(Meeting.objects.filter(items__isnull=False).distinct().order_by("pk"))
    if published:
        meeting = published[0]
        Meeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())
        panels.meeting_hold(
            meeting=meeting, attended_ids=[meeting.members.first().pk], actor=meeting.chair
        )
        item = meeting.items.first()
        panels.decision_record(
            meeting=meeting, case=item.case, actor=meeting.chair, outcome="agree", reasons="Agreed."
        )
        item.paper.evidence.add(
            document_store(
                upload=Upload("plan.pdf", PDF_BYTES, "application/pdf"),
                kind=Document.Kind.EVIDENCE,
                uploaded_by=caseworker,
                case=item.case,
            )
        )
    for meeting in published[1:2]:  # held with everyone, then closed: its minutes
        Meeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())
        panels.meeting_hold(
            meeting=meeting,
            attended_ids=list(meeting.members.values_list("pk", flat=True)),
            actor=meeting.chair,
        )
        panels.meeting_close(meeting=meeting, actor=meeting.chair)
        panels.minutes_make(meeting.pk)
    chair = User.objects.get(email="panel.education@demo.ehcp.test")
    panels.meeting_create(
        panel_type=PanelType.objects.order_by("pk").first(),
        area=manager.team.area,
        on=timezone.localdate(),
        chair=chair,
        members=[chair],
        actor=manager,
    )


@pytest.fixture
def demo_council(db):
    call_command("seed_demo", "--cases", "40", "--seed", "14", stdout=StringIO())
    _more_of_the_council()


def _hostile_to_page(route: str, email: str | None, url: str) -> dict[str, object]:
    """Hostile query strings, a hostile form body and JSON garbage to one page reached."""
    client = _client_for(email)
    path = url.split("?")[0]
    answers = {
        "query": client.get(path, {"page": HUGE, "q": LONG, "sort": "wrong type"}),
        "query nul": client.get(path, {"page": NUL, "q": NUL, "from": NUL, NUL: "1"}),
        "query list": client.get(path + "?page=1&page=2&q=a&q=b"),
        "body": client.post(path, dict.fromkeys(("text", "page", "id"), LONG)),
        "json": client.post(path, data="{not json", content_type="application/json"),
        "json types": client.post(
            path,
            data=json.dumps({"reference": [1, {"a": None}], "id": HUGE}),
            content_type="application/json",
        ),
    }
    failures: dict[str, object] = {}
    for label, response in answers.items():
        if response.status_code >= 500:
            failures[f"{label} to {route} as {email}"] = response.status_code
        elif path.startswith("/api/") and response.status_code >= 400:
            try:
                response.json()
            except ValueError:
                failures[f"{label} to {route} as {email}"] = "API 4xx without a JSON body"
    return failures


def test_every_form_and_api_body_survives_hostile_values(demo_council):
    started = time.monotonic()
    all_routes = set(_routes())
    exercised: set[str] = set()
    failures: dict[str, object] = {}
    forms: dict[tuple, Form] = {}
    pages_by_route: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for email in DEMO_USERS:
        pages, found, walk_failures = _walk(email)
        failures.update(walk_failures)
        for url in pages:
            pages_by_route[_route_of(url.split("?")[0]) or ""].append((email, url))
        for form in found:
            route = _route_of(form.action.split("?")[0])
            if route is None:
                continue
            key = (route, form.method, tuple(sorted({n for n, _, _ in form.fields})))
            forms.setdefault(key, form)

    # 2. every form, as the user whose page showed it
    per_route: Counter[str] = Counter()
    for (route, *_), form in forms.items():
        if per_route[route] >= 3:
            continue
        per_route[route] += 1
        failures.update(_exercise(form, route))
        exercised.add(route)

    # 3. every page reached: hostile query strings and a hostile body
    for route, visits in pages_by_route.items():
        failures.update(_hostile_to_page(route, *visits[0]))
        exercised.add(route)

    own_routes = {r for r in all_routes if not r.startswith((*THIRD_PARTY_PREFIXES, API_PREFIX))}
    stale = sorted(r for r in NOT_REACHED if r in exercised)
    missing = sorted(own_routes - exercised - set(NOT_REACHED))
    elapsed = time.monotonic() - started
    print(f"{len(forms)} forms, {len(exercised)} patterns exercised in {elapsed:.0f}s")
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert missing == [], f"patterns neither exercised nor listed in NOT_REACHED: {missing}"
    if stale:
        warnings.warn(f"NOT_REACHED lists patterns the walk now reaches: {stale}", stacklevel=1)


def _hostile_part(match: re.Match, value: str) -> str:
    converter = match.group(1) or "str"
    if converter == "uuid":
        return str(uuid.uuid4())
    return "9" * 40 if converter == "int" else value


HOSTILE_PATH_VALUES = ["%00", "x" * 10_000, "9" * 40, "..%2F..%2Fetc", "%F0%9F%99%83", "%27--"]


def test_hostile_path_values(demo_council):
    """Every pattern with a `str` or `int` part, with hostile values in it, for a member of
    staff who sees every area (GET and POST) and a family member (GET): refused (a 4xx or a
    redirect), never a page for something that does not exist, never a 500."""
    routes = [r for r in _routes() if "<" in r and not r.startswith(THIRD_PARTY_PREFIXES)]
    failures = {}
    for email, methods in (("head.of.service@demo.ehcp.test", 2), ("parent@demo.ehcp.test", 1)):
        client = _client_for(email)
        for value in HOSTILE_PATH_VALUES:
            for route in routes:
                url = "/" + re.sub(
                    r"<(?:(\w+):)?(\w+)>", lambda m, v=value: _hostile_part(m, v), route
                )
                for method in (client.get, client.post)[:methods]:
                    status = method(url).status_code
                    if status >= 500 or status == 200:
                        failures[f"{method.__name__.upper()} {url[:120]} as {email}"] = status
    assert failures == {}
