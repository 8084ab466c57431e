"""The core of the demo council: areas, teams, caseworkers, settings and cases.

Built with bulk inserts so 100,000 cases take about a minute. Deterministic: the same seed gives
the same people, children and cases (dates are relative to the day it runs, so deadlines are
always live in the demo). This module knows only the cases core; each app above it adds its
own part in its own `demo.py`, and `ehcp_portal.demo` calls them in order.
"""

from __future__ import annotations

import io
import json
import random
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Generic, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)
from django.utils import timezone

from cases.models import (
    CLOSED_STAGES,
    Area,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    CouncilProfile,
    Route,
    SenNeed,
    Setting,
    SettingType,
    Stage,
    Team,
)
from cases.selectors import areas_by_district, teams_by_area
from cases.services import ChildWithPostcode, case_prepare, case_refresh_deadline
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.db import commit_without_waiting_for_disk

DEMO_PASSWORD = "ehcp-demo-2026"
BATCH = 5000

AREAS = {
    "East": (["LS8", "LS9", "LS14", "LS15", "LS25", "LS26"], ["Gipton", "Killingbeck", "Garforth"]),
    "North West": (
        ["LS6", "LS16", "LS17", "LS18", "LS19", "LS20"],
        ["Headingley", "Adel", "Otley"],
    ),
    "South": (["LS10", "LS11", "LS12", "LS27", "LS28"], ["Beeston", "Morley", "Pudsey"]),
}
FIRST = [
    "Amelia",
    "Oliver",
    "Isla",
    "Noah",
    "Ava",
    "Muhammad",
    "Ivy",
    "George",
    "Freya",
    "Leo",
    "Lily",
    "Arthur",
    "Florence",
    "Oscar",
    "Willow",
    "Theo",
    "Aisha",
    "Jack",
    "Zara",
    "Harry",
    "Maya",
    "Charlie",
    "Evie",
    "Ibrahim",
    "Grace",
    "Finley",
    "Sophia",
    "Yusuf",
    "Ruby",
    "Alfie",
    "Hannah",
    "Kacper",
    "Amira",
    "Tomasz",
    "Chloe",
    "Dylan",
    "Niamh",
    "Ethan",
    "Fatima",
    "Reuben",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Khan",
    "Walker",
    "Evans",
    "Hussain",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Ali",
    "Thompson",
    "Clarke",
    "Nowak",
    "Begum",
    "Hughes",
    "Edwards",
    "Lewis",
    "Ahmed",
    "Kaur",
    "Harris",
    "Martin",
    "Jackson",
    "White",
    "Scott",
    "Moore",
    "Kowalski",
    "Young",
    "Allen",
]
STREETS = [
    "Church Lane",
    "Station Road",
    "Park Avenue",
    "Victoria Street",
    "Mill Lane",
    "Chapel Street",
    "Moor Road",
    "Oak Crescent",
    "Westfield Drive",
    "Grange View",
]
LANGUAGES = ["English"] * 8 + ["Urdu", "Polish", "Punjabi", "Arabic", "Romanian", "Kurdish"]
SETTING_NAMES = [
    "Brookfield",
    "Hillside",
    "Riverside",
    "St Mary's",
    "Oakwood",
    "Meadowbank",
    "Highfield",
    "Greenhill",
    "Parklands",
    "Fairfield",
    "Ashwood",
    "Kirkgate",
    "Westwood",
    "Moorside",
    "Beechwood",
]

# Stage: (min, max) days since the request was received.
STAGE_AGE = {
    Stage.RECEIVED: (0, 6),
    Stage.DECIDING_ASSESS: (5, 48),
    Stage.NOT_ASSESSING: (42, 150),
    Stage.ASSESSING: (40, 112),
    Stage.DECIDING_ISSUE: (95, 125),
    Stage.NOT_ISSUING: (110, 220),
    Stage.DRAFTING: (105, 132),
    Stage.DRAFT_WITH_FAMILY: (110, 138),
    Stage.CONSULTING: (120, 150),
    Stage.FINAL_ISSUED: (140, 330),
    Stage.MAINTAINED: (380, 1800),
    Stage.CEASED: (500, 2200),
    Stage.WITHDRAWN: (20, 200),
    Stage.TRANSFERRED_OUT: (200, 900),
}
STAGE_WEIGHTS = {
    Stage.RECEIVED: 3,
    Stage.DECIDING_ASSESS: 10,
    Stage.NOT_ASSESSING: 5,
    Stage.ASSESSING: 14,
    Stage.DECIDING_ISSUE: 5,
    Stage.NOT_ISSUING: 2,
    Stage.DRAFTING: 5,
    Stage.DRAFT_WITH_FAMILY: 4,
    Stage.CONSULTING: 4,
    Stage.FINAL_ISSUED: 8,
    Stage.MAINTAINED: 32,
    Stage.CEASED: 4,
    Stage.WITHDRAWN: 2,
    Stage.TRANSFERRED_OUT: 2,
}
# Order in which a case passes the stages, for the milestones it has reached.
PROGRESS = [
    Stage.RECEIVED,
    Stage.DECIDING_ASSESS,
    Stage.ASSESSING,
    Stage.DECIDING_ISSUE,
    Stage.DRAFTING,
    Stage.DRAFT_WITH_FAMILY,
    Stage.CONSULTING,
    Stage.FINAL_ISSUED,
    Stage.MAINTAINED,
    Stage.CEASED,
]


SETTING_KINDS = [
    SettingType.EARLY_YEARS,
    SettingType.MAINSTREAM_PRIMARY,
    SettingType.MAINSTREAM_PRIMARY,
    SettingType.MAINSTREAM_PRIMARY,
    SettingType.MAINSTREAM_SECONDARY,
    SettingType.MAINSTREAM_SECONDARY,
    SettingType.RESOURCED,
    SettingType.SPECIAL,
    SettingType.SPECIAL,
    SettingType.FE_COLLEGE,
]
SETTING_LABELS = {
    SettingType.EARLY_YEARS: "{base} Nursery",
    SettingType.MAINSTREAM_PRIMARY: "{base} Primary School",
    SettingType.MAINSTREAM_SECONDARY: "{base} Academy",
    SettingType.RESOURCED: "{base} Primary (resourced provision)",
    SettingType.SPECIAL: "{base} Special School",
    SettingType.FE_COLLEGE: "{area} College {area}",
}
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class DemoLogin:
    role: str
    email: str
    note: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    cases: int = 0


# The family demo's children are families.Child, which the core may not name: the core reads
# them as ChildWithPostcode. Never reassigned once made, so covariant (a family of Child is a
# family of ChildWithPostcode).
ChildT_co = TypeVar("ChildT_co", covariant=True)


@dataclass
class DemoFamily(Generic[ChildT_co]):
    """A child and the account that asked for the assessment, as the family demo made them."""

    child: ChildT_co
    requester: User
    area: Area


class DemoCouncil:
    """What every app's demo builder shares: the random source, the day, and the council."""

    def __init__(self, *, seed: int, cases: int, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        # The per-child and per-case draws have their own streams, consumed in index order, so
        # the demo is the same whatever the size of the batches it is written in.
        self.account_rng = random.Random(f"{seed}-accounts")
        self.family_rng = random.Random(f"{seed}-families")
        self.case_rng = random.Random(f"{seed}-cases")
        self.n_cases = cases
        self.today = today or timezone.localdate()
        self.password = make_password(DEMO_PASSWORD)
        self.result = DemoResult()
        self.areas: list[Area] = []
        self.teams: dict[int, Team] = {}
        self.caseworkers: dict[int, list[User]] = {}
        self.settings_by_area: dict[int, list[Setting]] = {}
        self.wards: dict[int, list[str]] = {}
        # The last case reference of each year so far (the batches number on from it).
        self.reference_counters: dict[int, int] = {}
        self._places: Places | None = None

    @property
    def places(self) -> Places:
        """Areas by postcode district and teams by area, read once (the rule a real case is
        opened by)."""
        if self._places is None:
            self._places = (areas_by_district(), teams_by_area())
        return self._places

    def user(
        self, email: str, name: str, role: str, note: str = "", login: bool = True, **extra: Any
    ) -> User:
        """A demo account with a verified email; `login` lists it among the printed sign-ins."""
        user = User.objects.create(
            email=email, full_name=name, role=role, password=self.password, **extra
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if login:
            self.result.logins.append(DemoLogin(user.get_role_display(), email, note))
        return user

    def name(self, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    def postcode(self, districts: Sequence[str], rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        return (
            f"{rng.choice(districts)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )


def demo_at(day: date) -> datetime:
    """10am on a day: when a demo event 'happened'."""
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


# -- writing many rows ------------------------------------------------------------------------


def demo_insert(model: type[Model], objects: Sequence[Model]) -> None:
    """Write unsaved model instances as `bulk_create` would (each gets its id), with PostgreSQL's
    COPY: a million cases' rows in minutes rather than the ORM's tens of minutes, since
    building the INSERT's parameters costs more than the database's work. The ids come from
    the table's own sequence, so later ordinary inserts carry on after them. Elsewhere (the
    embedded SQLite demo) it is `bulk_create`."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    unnumbered = [o for o in objects if o.pk is None]
    for obj, pk in zip(unnumbered, _ids(model, len(unnumbered)), strict=True):
        obj.pk = pk
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objects:
        for f in stamped:
            f.pre_save(obj, add=True)
        obj._state.adding = False
        obj._state.db = "default"
    attnames = [f.attname for f in fields]
    _copy(model, fields, ([getattr(o, a) for a in attnames] for o in objects))


def demo_insert_values(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows given as {attname: value} (every other field its default, the id from the
    sequence), for the rows nothing else refers to: no model instance is built, which is most
    of the cost of a million timeline events."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return
    defaults = {f.attname: f.get_default() for f in fields}
    attnames = list(defaults)
    _copy(
        model,
        fields,
        ([row[a] if a in row else defaults[a] for a in attnames] for row in rows),
    )


def _ids(model: type[Model], n: int) -> range:
    """`n` ids from the table's sequence in one step (the seed writes alone: drawing them one
    `nextval` at a time was a tenth of seeding 100,000 cases)."""
    if not n:
        return range(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(seq, nextval(seq) + %s - 1) FROM pg_get_serial_sequence(%s, %s) seq",
            [n, model._meta.db_table, model._meta.pk.column],
        )
        (last,) = cursor.fetchone()
    return range(last - n + 1, last + 1)


def _copy(model: type[Model], fields: Sequence[Any], rows: Any) -> None:
    converters = [_copy_converter(f) for f in fields]
    buffer = io.StringIO()
    write = buffer.write
    for values in rows:
        write(
            "\t".join(
                ["\\N" if v is None else c(v) for c, v in zip(converters, values, strict=True)]
            )
        )
        write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    send = partial(_copy_send, f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", buffer)
    if (held := _held.get()) is not None:
        held.append(send)
    else:
        send()


# How much of a COPY's text psycopg2 reads at a time (its default is 8 KB). The COPY runs on
# the seed's second thread while the first makes the next batch, and each read needs Python's
# lock, which the busy first thread hands over only every few milliseconds: in 8 KB reads, a
# batch of 10,000 cases waited longer for the lock than the database took to write it.
_COPY_READ = 1 << 24


def _copy_send(statement: str, buffer: io.StringIO) -> None:
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(statement, buffer, size=_COPY_READ)


# The COPYs of the batch being made, when they are to be sent together on another connection.
_held: ContextVar[list[Callable[[], None]] | None] = ContextVar("demo_copies_held", default=None)


@contextmanager
def demo_copies_held() -> Iterator[list[Callable[[], None]]]:
    """Within, `demo_insert` and `demo_insert_values` make each COPY's text (and draw its ids)
    but do not send it: it is added to the list yielded, for `demo_copies_send` to send later,
    in a transaction of its own, on whichever connection runs it. So the database takes in one
    batch while the next is made (`ehcp_portal.db.BatchWriter`). Rows written here may refer
    to each other and to rows committed before, and nothing may read them back until sent."""
    held: list[Callable[[], None]] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


def demo_copies_send(held: Sequence[Callable[[], None]]) -> None:
    """Send the COPYs `demo_copies_held` kept, in order, in one transaction whose commit does
    not wait for the disk (a seed lost in a crash is seeded again)."""
    with transaction.atomic():
        commit_without_waiting_for_disk()
        for send in held:
            send()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_converter(field: Any) -> Callable[[Any], str]:
    """How a field's (non-null) value is written in COPY's text format, chosen once per field
    (a type test for each of millions of values was a tenth of the seed)."""
    if isinstance(field, JSONField):
        encoder = field.encoder or DjangoJSONEncoder
        return lambda v: json.dumps(v, cls=encoder).translate(_COPY_ESCAPES)
    if isinstance(field, ArrayField):
        return _copy_array
    if isinstance(field, ForeignKey):
        field = field.target_field
    if isinstance(field, BooleanField):
        return _copy_bool
    if isinstance(field, AutoField | IntegerField):
        return str
    if isinstance(field, DateField):  # and DateTimeField: isoformat keeps the offset
        return _copy_date
    if isinstance(field, CharField | TextField):
        return _copy_text
    return _copy_scalar


def _copy_bool(value: Any) -> str:
    return "t" if value else "f"


def _copy_date(value: date) -> str:
    return value.isoformat()


def _copy_text(value: Any) -> str:
    return str(value).translate(_COPY_ESCAPES)


def _copy_scalar(value: Any) -> str:
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, int | Decimal | uuid.UUID):
        return str(value)
    return str(value).translate(_COPY_ESCAPES)


def _copy_array(value: Any) -> str:
    items = ",".join('"' + str(i).replace("\\", "\\\\").replace('"', '\\"') + '"' for i in value)
    return ("{" + items + "}").translate(_COPY_ESCAPES)


# -- areas, teams, settings ------------------------------------------------------------------


def build_council(council: DemoCouncil) -> None:
    """Three areas, each with a team, its manager and caseworkers, and ten settings; the demo
    SENCO and the administrator."""
    n_caseworkers = max(4, council.n_cases // 450)  # ~150 open cases each at scale
    for a_index, (name, (districts, wards)) in enumerate(AREAS.items()):
        area = Area.objects.create(name=name, postcode_districts=districts)
        council.areas.append(area)
        council.wards[area.pk] = wards
        council.teams[area.pk] = _build_team(council, area, n_caseworkers, demo=a_index == 0)
        council.settings_by_area[area.pk] = _build_settings(council, area, a_index)
    first_primary = council.settings_by_area[council.areas[0].pk][1]
    council.user(
        "senco@demo.ehcp.test",
        council.name(),
        Role.SCHOOL,
        f"SENCO at {first_primary.name}",
        setting=first_primary,
    )
    council.user(
        "head.of.service@demo.ehcp.test",
        council.name(),
        Role.HEAD_OF_SERVICE,
        "head of the SEND service: every area's figures and cases",
    )
    council.user(
        "dpo@demo.ehcp.test",
        council.name(),
        Role.DPO,
        "data protection officer: access log, subject access, retention",
    )
    council.user(
        "admin@demo.ehcp.test",
        "Demo Administrator",
        Role.ADMIN,
        "configuration (Django admin)",
        is_staff=True,
        is_superuser=True,
    )
    build_council_profile()


def build_council_profile() -> None:
    """The council's details every decision letter gives the family: fictional, with phone
    numbers from Ofcom's range for drama (0113 496 0xxx) and reserved .example addresses."""
    CouncilProfile.objects.update_or_create(
        pk=1,
        defaults={
            "name": settings.COUNCIL_NAME,
            "address": "SEN Assessment Team\nCivic Hall, 2 Market Street\nDemo City DC1 2AB",
            "phone": "0113 496 0100",
            "email": "send.team@demo-city.example",
            "website": "https://www.demo-city.example/send",
            "mediation_adviser_name": "Brightwater Mediation Service",
            "mediation_adviser_phone": "0113 496 0570",
            "mediation_adviser_email": "referrals@brightwater-mediation.example",
            "mediation_adviser_website": "https://www.brightwater-mediation.example",
            "sendiass_name": "Demo City SENDIASS",
            "sendiass_phone": "0113 496 0390",
            "sendiass_email": "advice@demo-city-sendiass.example",
            "sendiass_website": "https://www.demo-city-sendiass.example",
            # SEN2 header: a made-up LA number (no English council uses 999) and officers in post.
            "la_code": "999",
            "designated_medical_officer": "Y",
            "designated_clinical_officer": "Y",
            "designated_social_care_officer": "Y",
        },
    )


def _build_team(council: DemoCouncil, area: Area, n_caseworkers: int, *, demo: bool) -> Team:
    slug = area.name.lower().replace(" ", "")
    manager = council.user(
        f"manager.{slug}@demo.ehcp.test",
        council.name(),
        Role.TEAM_MANAGER,
        f"manages the {area.name} team",
        login=demo,
    )
    team = Team.objects.create(name=f"{area.name} SEN casework team", area=area, manager=manager)
    manager.team = team
    manager.save(update_fields=["team"])
    workers = []
    for i in range(n_caseworkers):
        is_demo = demo and i == 0
        email = "caseworker@demo.ehcp.test" if is_demo else f"cw{i + 1}.{slug}@demo.ehcp.test"
        workers.append(
            council.user(
                email,
                council.name(),
                Role.CASEWORKER,
                f"caseworker in {area.name}",
                login=is_demo,
                team=team,
            )
        )
    council.caseworkers[area.pk] = workers
    return team


def _build_settings(council: DemoCouncil, area: Area, a_index: int) -> list[Setting]:
    rng = council.rng
    settings: list[Setting] = []
    for s_index, kind in enumerate(SETTING_KINDS):
        base = SETTING_NAMES[(a_index * 5 + s_index) % len(SETTING_NAMES)]
        needs = sorted(rng.sample([n.value for n in SenNeed], k=rng.randint(2, 5)))
        if kind == SettingType.SPECIAL:
            needs = sorted(set(needs) | {"SLD", "PMLD", "ASD"})
        urn = 100001 + a_index * len(SETTING_KINDS) + s_index
        capacity = {SettingType.SPECIAL: 120, SettingType.FE_COLLEGE: 1500}.get(kind, 420)
        settings.append(
            Setting.objects.create(
                name=SETTING_LABELS[kind].format(base=base, area=area.name),
                urn=str(urn),
                setting_type=kind,
                needs_met=needs,
                capacity=capacity,
                places_taken=int(capacity * rng.uniform(0.8, 1.02)),
                area=area,
                postcode=council.postcode(area.postcode_districts),
                email=f"senco.{urn}@schools.demo.ehcp.test",
                phase=kind.label,
            )
        )
    return settings


def setting_fits_age(kind: str, age: int) -> bool:
    """Whether a setting of this type teaches a child of this age (for demo placements)."""
    if age < 4:
        return kind == SettingType.EARLY_YEARS
    if age < 11:
        return kind in (SettingType.MAINSTREAM_PRIMARY, SettingType.RESOURCED, SettingType.SPECIAL)
    if age < 16:
        return kind in (SettingType.MAINSTREAM_SECONDARY, SettingType.SPECIAL)
    return kind in (SettingType.FE_COLLEGE, SettingType.SPECIAL)


# -- cases -----------------------------------------------------------------------------------


def _stage_for(council: DemoCouncil, index: int) -> Stage:
    if index < len(PROGRESS) + 4:
        # The first cases cover every stage, so the demo caseworker sees them all.
        stages = list(Stage)
        return stages[index % len(stages)]
    stages = list(STAGE_WEIGHTS)
    return council.case_rng.choices(stages, weights=[STAGE_WEIGHTS[s] for s in stages])[0]


def _stage_reached(council: DemoCouncil, stage: Stage) -> int:
    """How far along PROGRESS a case at `stage` got (a refusal or closure stops part-way)."""
    reached = {Stage.NOT_ASSESSING: Stage.DECIDING_ASSESS, Stage.NOT_ISSUING: Stage.DECIDING_ISSUE}
    if stage in (Stage.WITHDRAWN, Stage.TRANSFERRED_OUT):
        return PROGRESS.index(
            council.case_rng.choice([Stage.DECIDING_ASSESS, Stage.ASSESSING, Stage.MAINTAINED])
        )
    stage = reached.get(stage, stage)
    return PROGRESS.index(stage) if stage in PROGRESS else 0


def case_facts(council: DemoCouncil, stage: Stage) -> dict[str, Any]:
    """Believable milestone dates for a case now at `stage`. Dates are capped at today at the
    end: a later date is always built by adding days, so capping then equals capping as we go."""
    rng = council.case_rng
    lo, hi = STAGE_AGE[stage]
    received = council.today - timedelta(days=rng.randint(lo, hi))
    step = _stage_reached(council, stage)
    facts: dict[str, Any] = {"received_on": received}
    if step >= PROGRESS.index(Stage.ASSESSING) or stage == Stage.NOT_ASSESSING:
        facts["assessment_decision_on"] = received + timedelta(days=rng.randint(28, 46))
    if step >= PROGRESS.index(Stage.ASSESSING):
        facts["advice_requested_on"] = facts["assessment_decision_on"] + timedelta(
            days=rng.randint(1, 5)
        )
    if step >= PROGRESS.index(Stage.DRAFTING) or stage == Stage.NOT_ISSUING:
        facts["issue_decision_on"] = received + timedelta(days=rng.randint(90, 115))
    _plan_facts(council, step, facts)
    if stage in CLOSED_STAGES:
        facts["closed_on"] = received + timedelta(days=rng.randint(lo, hi))
    if "advice_requested_on" in facts and stage != Stage.ASSESSING:
        # Past the assessment, the advice is in (within reg 8(1)'s six weeks).
        facts["advice_completed_on"] = facts["advice_requested_on"] + timedelta(days=35)
    return {key: min(day, council.today) for key, day in facts.items()}


def _plan_facts(council: DemoCouncil, step: int, facts: dict[str, Any]) -> None:
    """The draft, consultation, final plan and review dates of a case that got that far."""
    rng, today = council.case_rng, council.today
    if step >= PROGRESS.index(Stage.DRAFT_WITH_FAMILY):
        facts["draft_issued_on"] = facts["issue_decision_on"] + timedelta(days=rng.randint(2, 12))
    if step >= PROGRESS.index(Stage.CONSULTING):
        draft = facts["draft_issued_on"]
        facts["family_responded_on"] = draft + timedelta(days=rng.randint(3, 14))
        facts["consultation_sent_on"] = draft + timedelta(days=rng.randint(1, 6))
    if step >= PROGRESS.index(Stage.FINAL_ISSUED):
        facts["final_issued_on"] = min(
            facts["received_on"] + timedelta(days=rng.randint(120, 175)), today
        )
    if step >= PROGRESS.index(Stage.MAINTAINED):
        final = facts["final_issued_on"]
        years = max(1, (today - final).days // 365)
        last = final + timedelta(days=365 * years - rng.randint(0, 40))
        facts["review_meeting_on"] = last - timedelta(days=rng.randint(14, 27))
        facts["last_review_decision_on"] = last


# The priority rule belongs to the assignment app, above this one: the composition root passes
# it in, so every demo case is scored by the same rule as a real one.
# How requests reach the demo council (a transfer in from another council is not simulated).
DEMO_ROUTES = [Route.FAMILY, Route.SCHOOL, Route.ASSISTED, Route.COHORT]

Places = tuple[Mapping[str, Area], Mapping[int, Team]]
CasePriority = Callable[[Case], tuple[int, list[dict[str, Any]]]]


def build_cases(
    council: DemoCouncil,
    families: Sequence[DemoFamily[ChildWithPostcode]],
    *,
    start: int = 0,
    priority: CasePriority | None = None,
) -> list[Case]:
    """One case per child at a spread of stages, each with its deadlines from the statutory
    clock, its priority, and the timeline events a family sees. `families` are the children
    `start`, `start + 1`, ... of the demo: called once per batch, in order."""
    counters = council.reference_counters
    cases: list[Case] = []
    for i, family in enumerate(families, start=start):
        case = _case(council, i, family, council.places)
        counters[case.received_on.year] = counters.get(case.received_on.year, 0) + 1
        case.reference = f"EHC-{case.received_on.year}-{counters[case.received_on.year]:06d}"
        # The same refresh as every real event: next deadline, and a plan's next phase transfer.
        case_refresh_deadline(case=case, today=council.today)
        if priority is not None:
            case.priority, case.priority_reasons = priority(case)
        cases.append(case)
    demo_insert(Case, cases)
    # The next case reference of each year follows on from the demo's.
    for year, last in counters.items():
        CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
    _build_case_events(cases)
    council.result.cases += len(cases)
    return cases


def _case(
    council: DemoCouncil, i: int, family: DemoFamily[ChildWithPostcode], places: Places
) -> Case:
    rng = council.case_rng
    stage = _stage_for(council, i)
    facts = _after_birth(case_facts(council, stage), family.child, council.today)
    workers = council.caseworkers[family.area.pk]
    caseworker: User | None = workers[0] if i < 40 else workers[rng.randrange(len(workers))]
    if stage == Stage.RECEIVED and i >= 40 and rng.random() < 0.5:
        caseworker = None  # the area's unassigned queue
    needs = rng.sample([n.value for n in SenNeed], k=rng.randint(1, 3))
    route = Route.FAMILY if i < 3 else rng.choices(DEMO_ROUTES, weights=[60, 30, 8, 2])[0]
    case = case_prepare(
        child=family.child,
        reference="",  # numbered in order by build_cases
        received_on=facts["received_on"],
        route=route,
        channel="online" if route in (Route.FAMILY, Route.SCHOOL) else "paper",
        needs=needs,
        requested_by=family.requester if route == Route.FAMILY else None,
        today=council.today,
        areas=places[0],
        teams=places[1],
        refresh_deadline=False,  # build_cases does, once the milestones below are set
    )
    # Where the case has got to since it was received.
    case.stage = stage
    case.is_open = stage not in CLOSED_STAGES
    case.caseworker = caseworker
    case.waiting_on_others = stage == Stage.ASSESSING and rng.random() < 0.7
    for milestone, on in facts.items():
        setattr(case, milestone, on)
    _sen2_facts(case, i)
    return case


def _after_birth(facts: dict[str, Any], child: ChildWithPostcode, today: date) -> dict[str, Any]:
    """A request comes after the child is born: a case drawn older than its child moves later
    (dates kept in order, none after today). Without this the SEN2 report rightly found plans
    issued before the child's birth. No draw from the generator, so nothing else changes."""
    born = getattr(child, "date_of_birth", None)
    if born is None or facts["received_on"] >= born + timedelta(days=60):
        return facts
    shift = born + timedelta(days=60) - facts["received_on"]
    return {key: min(day + shift, today) for key, day in facts.items()}


def _sen2_facts(case: Case, i: int) -> None:
    """What a paper request's form and a decision to cease record for SEN2. From the case's own
    seeded generator, so the council's generator (and every other demo figure) is unchanged."""
    rng = random.Random(f"sen2-case-{i}")
    if case.route == Route.ASSISTED:
        case.request_source = rng.choices("12345", weights=[70, 10, 10, 8, 2])[0]
    if case.stage == Stage.CEASED:
        case.cease_reason = rng.choices("1234679", weights=[20, 40, 8, 10, 6, 10, 6])[0]


def _build_case_events(cases: Sequence[Case]) -> None:
    events: list[dict[str, Any]] = []
    for case in cases:
        events.append(
            {
                "case_id": case.pk,
                "kind": "request_received",
                "family_visible": True,
                "summary": "Request for an EHC needs assessment received",
                "created_at": demo_at(case.received_on),
            }
        )
        if case.assessment_decision_on:
            agreed = case.stage != Stage.NOT_ASSESSING
            events.append(
                {
                    "case_id": case.pk,
                    "kind": "assessment_decision",
                    "family_visible": True,
                    "summary": (
                        "We decided to carry out an assessment"
                        if agreed
                        else "We decided not to carry out an assessment"
                    ),
                    "created_at": demo_at(case.assessment_decision_on),
                }
            )
        if case.final_issued_on:
            events.append(
                {
                    "case_id": case.pk,
                    "kind": "final_issued",
                    "family_visible": True,
                    "summary": "Final EHC plan issued",
                    "created_at": demo_at(case.final_issued_on),
                }
            )
    demo_insert_values(CaseEvent, events)


# -- reset -----------------------------------------------------------------------------------


def cases_reset() -> None:
    """Remove the demo's cases, their timelines and reference counters (apps above first)."""
    CaseEvent.objects.all().delete()
    Case.objects.all().delete()
    CaseReferenceCounter.objects.all().delete()


def council_reset() -> None:
    """Remove the council itself: teams, demo accounts, settings and areas (cases first)."""
    demo_users = User.objects.filter(email__endswith="demo.ehcp.test")
    demo_users.update(team=None, setting=None)
    Team.objects.all().delete()
    demo_users.delete()
    Setting.objects.all().delete()
    Area.objects.all().delete()
