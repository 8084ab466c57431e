"""A believable demo council, built with bulk inserts so 100,000 cases take minutes, not hours.

Deterministic: the same --seed gives the same people, children and cases (dates are relative to
the day it runs, so deadlines are always live in the demo).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cases.deadlines import next_deadline
from cases.models import (
    CLOSED_STAGES,
    Area,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    Route,
    SenNeed,
    Setting,
    SettingType,
    Stage,
    Team,
)
from ehcp_portal.accounts.models import Discipline, Role, User
from families.models import Child, Consent, FamilyMembership

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


@dataclass
class DemoLogin:
    role: str
    email: str
    note: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    cases: int = 0


def year_group(dob: date, today: date) -> str:
    """English school year from the age on 31 August at the start of this school year."""
    start_year = today.year if today.month >= 9 else today.year - 1
    aug31 = date(start_year, 8, 31)
    age = aug31.year - dob.year - ((aug31.month, aug31.day) < (dob.month, dob.day))
    if age < 3:
        return "Early years"
    if age == 3:
        return "Nursery"
    if age == 4:
        return "Reception"
    if age <= 15:
        return f"Year {age - 4}"
    if age <= 17:
        return f"Year {age - 4}"
    return "Post-18"


class DemoBuilder:
    def __init__(self, *, seed: int, cases: int, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.n_cases = cases
        self.today = today or timezone.localdate()
        self.password = make_password(DEMO_PASSWORD)
        self.result = DemoResult()

    # -- people and places -------------------------------------------------------------------

    def _user(
        self, email: str, name: str, role: str, note: str = "", login: bool = True, **extra: object
    ) -> User:
        user = User.objects.create(
            email=email, full_name=name, role=role, password=self.password, **extra
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if login:
            self.result.logins.append(DemoLogin(user.get_role_display(), email, note))
        return user

    def build_council(self) -> None:
        rng = self.rng
        self.areas: list[Area] = []
        self.teams: dict[int, Team] = {}
        self.caseworkers: dict[int, list[User]] = {}
        self.settings_by_area: dict[int, list[Setting]] = {}
        self.wards: dict[int, list[str]] = {}
        n_caseworkers = max(4, self.n_cases // 450)  # ~150 open cases each at scale
        urn = 100000
        for a_index, (name, (districts, wards)) in enumerate(AREAS.items()):
            area = Area.objects.create(name=name, postcode_districts=districts)
            self.areas.append(area)
            self.wards[area.pk] = wards
            slug = name.lower().replace(" ", "")
            manager = self._user(
                f"manager.{slug}@demo.ehcp.test",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                Role.TEAM_MANAGER,
                f"manages the {name} team",
                login=a_index == 0,
            )
            team = Team.objects.create(name=f"{name} SEN casework team", area=area, manager=manager)
            manager.team = team
            manager.save(update_fields=["team"])
            self.teams[area.pk] = team
            workers = []
            for i in range(n_caseworkers):
                is_demo = a_index == 0 and i == 0
                email = (
                    "caseworker@demo.ehcp.test" if is_demo else f"cw{i + 1}.{slug}@demo.ehcp.test"
                )
                workers.append(
                    self._user(
                        email,
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        Role.CASEWORKER,
                        f"caseworker in {name}",
                        login=is_demo,
                        team=team,
                    )
                )
            self.caseworkers[area.pk] = workers
            settings: list[Setting] = []
            for s_index in range(10):
                kind = [
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
                ][s_index]
                base = SETTING_NAMES[(a_index * 5 + s_index) % len(SETTING_NAMES)]
                label = {
                    SettingType.EARLY_YEARS: f"{base} Nursery",
                    SettingType.MAINSTREAM_PRIMARY: f"{base} Primary School",
                    SettingType.MAINSTREAM_SECONDARY: f"{base} Academy",
                    SettingType.RESOURCED: f"{base} Primary (resourced provision)",
                    SettingType.SPECIAL: f"{base} Special School",
                    SettingType.FE_COLLEGE: f"{name} College",
                }[kind]
                needs = sorted(rng.sample([n.value for n in SenNeed], k=rng.randint(2, 5)))
                if kind == SettingType.SPECIAL:
                    needs = sorted(set(needs) | {"SLD", "PMLD", "ASD"})
                urn += 1
                capacity = {SettingType.SPECIAL: 120, SettingType.FE_COLLEGE: 1500}.get(kind, 420)
                settings.append(
                    Setting.objects.create(
                        name=f"{label} {area.name}" if kind == SettingType.FE_COLLEGE else label,
                        urn=str(urn),
                        setting_type=kind,
                        needs_met=needs,
                        capacity=capacity,
                        places_taken=int(capacity * rng.uniform(0.8, 1.02)),
                        area=area,
                        postcode=f"{rng.choice(districts)} {rng.randint(1, 9)}"
                        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                        email=f"senco.{urn}@schools.demo.ehcp.test",
                        phase=kind.label,
                    )
                )
            self.settings_by_area[area.pk] = settings
            for w_index, ward in enumerate(wards):
                is_demo = a_index == 0 and w_index == 0
                self._user(
                    "councillor@demo.ehcp.test"
                    if is_demo
                    else f"cllr.{ward.lower()}@demo.ehcp.test",
                    f"Cllr {rng.choice(FIRST)} {rng.choice(LAST)}",
                    Role.ELECTED_MEMBER,
                    f"councillor for {ward}",
                    login=is_demo,
                    ward=ward,
                )
        first_primary = self.settings_by_area[self.areas[0].pk][1]
        self._user(
            "senco@demo.ehcp.test",
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            Role.SCHOOL,
            f"SENCO at {first_primary.name}",
            setting=first_primary,
        )
        for discipline, org, email in [
            (Discipline.EDUCATIONAL_PSYCHOLOGY, "Educational Psychology Service", "ep"),
            (Discipline.HEALTH, "Designated Clinical Officer, NHS West Yorkshire", "health"),
            (Discipline.SOCIAL_CARE, "Children's Social Work Service", "socialcare"),
        ]:
            self._user(
                f"{email}@demo.ehcp.test",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                Role.ADVICE_GIVER,
                org,
                login=email == "ep",
                organisation=org,
                discipline=discipline,
            )
        for discipline in [
            Discipline.EDUCATION,
            Discipline.EDUCATIONAL_PSYCHOLOGY,
            Discipline.HEALTH,
            Discipline.SOCIAL_CARE,
        ]:
            self._user(
                f"panel.{discipline}@demo.ehcp.test",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                Role.PANEL_MEMBER,
                f"panel member ({Discipline(discipline).label})",
                login=discipline == Discipline.EDUCATION,
                discipline=discipline,
            )
        self._user(
            "admin@demo.ehcp.test",
            "Demo Administrator",
            Role.ADMIN,
            "configuration (Django admin)",
            is_staff=True,
            is_superuser=True,
        )

    # -- families and cases ------------------------------------------------------------------

    def _stage_for(self, index: int) -> Stage:
        if index < len(PROGRESS) + 4:
            # The first cases cover every stage, so the demo caseworker sees them all.
            stages = list(Stage)
            return stages[index % len(stages)]
        stages = list(STAGE_WEIGHTS)
        return self.rng.choices(stages, weights=[STAGE_WEIGHTS[s] for s in stages])[0]

    def _case_facts(self, stage: Stage) -> dict[str, date]:
        rng = self.rng
        lo, hi = STAGE_AGE[stage]
        received = self.today - timedelta(days=rng.randint(lo, hi))
        facts: dict[str, date] = {"received_on": received}
        reached = stage
        if stage == Stage.NOT_ASSESSING:
            reached = Stage.DECIDING_ASSESS
        elif stage == Stage.NOT_ISSUING:
            reached = Stage.DECIDING_ISSUE
        elif stage in (Stage.WITHDRAWN, Stage.TRANSFERRED_OUT):
            reached = rng.choice([Stage.DECIDING_ASSESS, Stage.ASSESSING, Stage.MAINTAINED])
        step = PROGRESS.index(reached) if reached in PROGRESS else 0

        def clamp(d: date) -> date:
            return min(d, self.today)

        if step >= PROGRESS.index(Stage.ASSESSING) or stage == Stage.NOT_ASSESSING:
            facts["assessment_decision_on"] = clamp(received + timedelta(days=rng.randint(28, 46)))
        if step >= PROGRESS.index(Stage.ASSESSING):
            facts["advice_requested_on"] = clamp(
                facts["assessment_decision_on"] + timedelta(days=rng.randint(1, 5))
            )
        if step >= PROGRESS.index(Stage.DRAFTING) or stage == Stage.NOT_ISSUING:
            facts["issue_decision_on"] = clamp(received + timedelta(days=rng.randint(90, 115)))
        if step >= PROGRESS.index(Stage.DRAFT_WITH_FAMILY):
            facts["draft_issued_on"] = clamp(
                facts["issue_decision_on"] + timedelta(days=rng.randint(2, 12))
            )
        if step >= PROGRESS.index(Stage.CONSULTING):
            facts["family_responded_on"] = clamp(
                facts["draft_issued_on"] + timedelta(days=rng.randint(3, 14))
            )
            facts["consultation_sent_on"] = clamp(
                facts["draft_issued_on"] + timedelta(days=rng.randint(1, 6))
            )
        if step >= PROGRESS.index(Stage.FINAL_ISSUED):
            facts["final_issued_on"] = clamp(received + timedelta(days=rng.randint(120, 175)))
        if step >= PROGRESS.index(Stage.MAINTAINED):
            years = max(1, (self.today - facts["final_issued_on"]).days // 365)
            last = facts["final_issued_on"] + timedelta(days=365 * years - rng.randint(0, 40))
            facts["review_meeting_on"] = clamp(last - timedelta(days=rng.randint(14, 27)))
            facts["last_review_decision_on"] = clamp(last)
        if stage in CLOSED_STAGES:
            facts["closed_on"] = clamp(received + timedelta(days=rng.randint(lo, hi)))
        return facts

    def build_families(self) -> None:
        rng = self.rng
        today = self.today
        area_list = self.areas
        demo_parent = self._user(
            "parent@demo.ehcp.test",
            "Sam Okafor",
            Role.PARENT,
            "parent of two children with requests",
        )
        young_person = self._user(
            "youngperson@demo.ehcp.test",
            "Jordan Reid",
            Role.YOUNG_PERSON,
            "a 17-year-old asking for themself",
        )
        n = self.n_cases
        # Parents: one account per family; every 8th family has a second child.
        family_users: list[User] = []
        for start in range(0, n, BATCH):
            batch = [
                User(
                    email=f"family{i:06d}@families.demo.ehcp.test",
                    full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    role=Role.PARENT,
                    password="!",
                )
                for i in range(start, min(n, start + BATCH))
            ]
            family_users.extend(User.objects.bulk_create(batch, batch_size=BATCH))
        children: list[Child] = []
        memberships: list[FamilyMembership] = []
        cases: list[Case] = []
        child_rows: list[tuple[Child, User, Area]] = []
        for i in range(n):
            if i == 0 or i == 1:
                parent = demo_parent
            elif i == 2:
                parent = young_person
            elif i % 8 == 7:
                parent = family_users[i - 1]
            else:
                parent = family_users[i]
            area = area_list[0] if i < 40 else area_list[i % len(area_list)]
            districts = AREAS[area.name][0]
            age = 17 if i == 2 else rng.randint(2, 21)
            dob = today - timedelta(days=age * 365 + rng.randint(0, 364))
            last_name = parent.full_name.split(" ")[-1] if parent.full_name else rng.choice(LAST)
            settings = self.settings_by_area[area.pk]
            suitable = [s for s in settings if _phase_fits(s.setting_type, age)] or settings
            child = Child(
                first_name=rng.choice(FIRST),
                last_name=last_name if i != 2 else "Reid",
                date_of_birth=dob,
                address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}, Leeds",
                postcode=f"{rng.choice(districts)} {rng.randint(1, 9)}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                home_language=rng.choice(LANGUAGES),
                looked_after=rng.random() < 0.06,
                year_group=year_group(dob, today),
                setting=rng.choice(suitable),
            )
            children.append(child)
            child_rows.append((child, parent, area))
        for start in range(0, n, BATCH):
            Child.objects.bulk_create(children[start : start + BATCH], batch_size=BATCH)
        for child, parent, _area in child_rows:
            memberships.append(
                FamilyMembership(
                    user=parent,
                    child=child,
                    relationship=(
                        FamilyMembership.Relationship.SELF
                        if parent.role == Role.YOUNG_PERSON
                        else FamilyMembership.Relationship.PARENT
                    ),
                )
            )
        FamilyMembership.objects.bulk_create(memberships, batch_size=BATCH)
        Consent.objects.bulk_create(
            [
                Consent(
                    child=c,
                    party=Consent.Party.EDUCATIONAL_PSYCHOLOGY,
                    given_by=p,
                    given_at=timezone.now(),
                )
                for c, p, _ in child_rows[:2000]
            ]
            + [
                Consent(
                    child=c,
                    party=Consent.Party.SETTING,
                    setting=c.setting,
                    given_by=p,
                    given_at=timezone.now(),
                )
                for c, p, _ in child_rows[:2000]
            ],
            batch_size=BATCH,
        )

        counters: dict[int, int] = {}
        events: list[CaseEvent] = []
        for i, (child, parent, area) in enumerate(child_rows):
            stage = self._stage_for(i)
            facts = self._case_facts(stage)
            received = facts["received_on"]
            counters[received.year] = counters.get(received.year, 0) + 1
            workers = self.caseworkers[area.pk]
            caseworker: User | None = workers[0] if i < 40 else workers[rng.randrange(len(workers))]
            if stage == Stage.RECEIVED and i >= 40 and rng.random() < 0.5:
                caseworker = None  # the area's unassigned queue
            needs = rng.sample([n.value for n in SenNeed], k=rng.randint(1, 3))
            route = Route.FAMILY if i < 3 else rng.choices(list(Route), weights=[60, 30, 8, 2])[0]
            case = Case(
                reference=f"EHC-{received.year}-{counters[received.year]:06d}",
                child=child,
                route=route,
                stage=stage,
                is_open=stage not in CLOSED_STAGES,
                area=area,
                team=self.teams[area.pk],
                caseworker=caseworker,
                requested_by=parent if route == Route.FAMILY else None,
                needs=needs,
                waiting_on_others=stage == Stage.ASSESSING and rng.random() < 0.7,
                channel="online" if route in (Route.FAMILY, Route.SCHOOL) else "paper",
                **facts,
            )
            upcoming = next_deadline(case, today=today)
            case.next_deadline_key = upcoming.key if upcoming else ""
            case.next_deadline_on = upcoming.due if upcoming else None
            case.priority = _demo_priority(case, child, today)
            cases.append(case)
        for start in range(0, n, BATCH):
            Case.objects.bulk_create(cases[start : start + BATCH], batch_size=BATCH)
        # Re-number per year in received order so references read chronologically.
        for year, last in counters.items():
            CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
        now = timezone.now()
        for case in cases:
            events.append(
                CaseEvent(
                    case=case,
                    kind="request_received",
                    family_visible=True,
                    summary="Request for an EHC needs assessment received",
                    created_at=_at(case.received_on, now),
                )
            )
            if case.assessment_decision_on:
                agreed = case.stage != Stage.NOT_ASSESSING
                events.append(
                    CaseEvent(
                        case=case,
                        kind="assessment_decision",
                        family_visible=True,
                        summary=(
                            "We decided to carry out an assessment"
                            if agreed
                            else "We decided not to carry out an assessment"
                        ),
                        created_at=_at(case.assessment_decision_on, now),
                    )
                )
            if case.final_issued_on:
                events.append(
                    CaseEvent(
                        case=case,
                        kind="final_issued",
                        family_visible=True,
                        summary="Final EHC plan issued",
                        created_at=_at(case.final_issued_on, now),
                    )
                )
            if len(events) >= BATCH * 2:
                CaseEvent.objects.bulk_create(events, batch_size=BATCH)
                events = []
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        self.result.cases = len(cases)

    def build_casework(self) -> None:
        """Cases past the assessment have their advice in (reg 8(1) deadline met): one UPDATE."""
        from django.db.models import DateField, F, Value
        from django.db.models.functions import Least

        Case.objects.filter(advice_requested_on__isnull=False).exclude(
            stage=Stage.ASSESSING
        ).update(
            advice_completed_on=Least(
                F("advice_requested_on") + timedelta(days=35),
                Value(self.today),
                output_field=DateField(),
            )
        )
        # Their next deadline was worked out before the advice was in: work it out again.
        deciding = list(Case.objects.filter(stage=Stage.DECIDING_ISSUE, is_open=True))
        for case in deciding:
            upcoming = next_deadline(case, today=self.today)
            case.next_deadline_key = upcoming.key if upcoming else ""
            case.next_deadline_on = upcoming.due if upcoming else None
        Case.objects.bulk_update(
            deciding, ["next_deadline_key", "next_deadline_on"], batch_size=BATCH
        )

    def build_advice(self) -> None:
        """Advice requests for the cases being assessed (issue 6): the EP by name, health and
        social care through their team inboxes; answered unless the case still waits."""
        from cases.advice.models import AdviceRequest, AdviceTeam

        rng = self.rng
        givers = {u.email.split("@")[0]: u for u in User.objects.filter(role=Role.ADVICE_GIVER)}
        if not {"ep", "health", "socialcare"} <= set(givers):
            return
        teams = {}
        for key, name, source in [
            ("ep", "Educational Psychology Service", "ep"),
            ("health", "Health: Designated Clinical Officer", "health"),
            ("socialcare", "Children's Social Work Service", "social_care"),
        ]:
            advice_team = AdviceTeam.objects.create(name=name, source=source, lead=givers[key])
            advice_team.members.add(givers[key])
            teams[key] = advice_team
        rows: list[AdviceRequest] = []
        cases = Case.objects.filter(stage=Stage.ASSESSING, advice_requested_on__isnull=False)
        for case_id, requested, waiting, caseworker_id in cases.values_list(
            "id", "advice_requested_on", "waiting_on_others", "caseworker_id"
        ).iterator(chunk_size=BATCH):
            assert requested is not None  # filtered to cases with the date
            due = requested + timedelta(weeks=6)  # reg 8(1)
            open_index = rng.randrange(3) if waiting else -1
            for i, (source, addressee, team) in enumerate(
                [
                    ("ep", givers["ep"], None),
                    ("health", None, teams["health"]),
                    ("social_care", None, teams["socialcare"]),
                ]
            ):
                answered = i != open_index and (not waiting or rng.random() < 0.5)
                responded = min(self.today, requested + timedelta(days=rng.randint(10, 45)))
                rows.append(
                    AdviceRequest(
                        case_id=case_id,
                        source=source,
                        addressee=addressee,
                        team=team,
                        requested_by_id=caseworker_id,
                        requested_on=requested,
                        due_on=due,
                        state="received" if answered else "sent",
                        responded_on=responded if answered else None,
                        responded_by=(addressee or givers["health" if i == 1 else "socialcare"])
                        if answered
                        else None,
                        needs="Difficulties with reading and attention." if answered else "",
                        outcomes="Reads age-appropriate texts by the end of Key Stage 2."
                        if answered
                        else "",
                        provision="Weekly 1:1 literacy support." if answered else "",
                    )
                )
            if len(rows) >= BATCH:
                AdviceRequest.objects.bulk_create(rows, batch_size=BATCH)
                rows = []
        AdviceRequest.objects.bulk_create(rows, batch_size=BATCH)

    def build(self) -> DemoResult:
        with transaction.atomic():
            self.build_council()
            self.build_families()
            self.build_casework()
            self.build_panels()
            self.build_member_enquiries()
            self.build_assignment_profiles()
            self.build_front_door()
            self.build_advice()
            self.build_plans()
        return self.result

    # -- panels ------------------------------------------------------------------------------

    def build_panels(self) -> None:
        """One published, upcoming meeting per panel type in the first area, chaired by the demo
        panel member, with the four disciplines seated and a few cases at the right stage."""
        from panels.models import AgendaItem, Meeting, MeetingMember, PanelPaper, PanelType

        area = self.areas[0]
        members = list(
            User.objects.filter(
                role=Role.PANEL_MEMBER, email__startswith="panel.", email__endswith="demo.ehcp.test"
            )
        )
        chair = next(m for m in members if m.email == "panel.education@demo.ehcp.test")
        author = self.caseworkers[area.pk][0]
        now = timezone.now()
        for offset, panel_type in enumerate(PanelType.objects.filter(active=True).order_by("pk")):
            meeting = Meeting.objects.create(
                panel_type=panel_type,
                area=area,
                date=self.today + timedelta(days=7 + offset),
                location="Merrion House, room 4 (and online)",
                chair=chair,
                status=Meeting.Status.PUBLISHED,
                published_at=now,
            )
            MeetingMember.objects.bulk_create(
                [MeetingMember(meeting=meeting, user=m, discipline=m.discipline) for m in members]
            )
            cases = list(
                Case.objects.filter(
                    area=area, is_open=True, stage__in=panel_type.ready_stages
                ).order_by("next_deadline_on", "reference")[:3]
            )
            papers = PanelPaper.objects.bulk_create(
                [
                    PanelPaper(
                        case=case,
                        panel_type=panel_type,
                        summary=(
                            f"{case.get_stage_display()}. Needs: {', '.join(case.needs)}. "
                            "The setting has used SEN support for three terms with outside "
                            "advice; progress is slower than expected."
                        ),
                        recommendation=f"{panel_type.outcomes[0]['label']}.",
                        author=author,
                    )
                    for case in cases
                ]
            )
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(meeting=meeting, paper=paper, case=paper.case, position=i)
                    for i, paper in enumerate(papers, start=1)
                ]
            )

    def build_member_enquiries(self) -> None:
        """A few elected members' queries (issue 9): the demo councillor has one about a case
        whose family consented to their involvement and one whose family has not; other
        councillors' queries across the wards are open, answered, late or unmatched."""
        from cases.members.models import EnquiryCategory, EnquiryStatus, MemberEnquiry
        from cases.members.sla import target_reply_on, working_days_between

        rng = self.rng
        today = self.today
        councillor = User.objects.get(email="councillor@demo.ehcp.test")
        demo_cases = list(
            Case.objects.filter(child__memberships__user__email="parent@demo.ehcp.test")
            .select_related("child", "caseworker")
            .order_by("reference")[:2]
        )
        parent = User.objects.get(email="parent@demo.ehcp.test")
        categories = [c.value for c in EnquiryCategory]
        concerns = {
            "delay": "The family has not heard whether the council will assess and the six "
            "weeks are nearly up.",
            "communication": "The parent says emails to the caseworker have not been answered.",
            "placement": "The family would like to know why their preferred school was not named.",
            "transport": "Transport to the special school has not been arranged for next term.",
            "tribunal": "The family is considering an appeal and wants to know the deadline.",
            "other": "The family would like a meeting with the SEN team.",
        }
        enquiries: list[MemberEnquiry] = []
        events: list[CaseEvent] = []

        def add(member: User, case: Case | None, days_ago: int, **extra: Any) -> None:
            received = today - timedelta(days=days_ago)
            category = extra.pop("category", rng.choice(categories))
            child = case.child if case else None
            enquiry = MemberEnquiry(
                member=member,
                member_ward=member.ward,
                case_reference_given=case.reference if case and rng.random() < 0.5 else "",
                parent_name=extra.pop("parent_name", f"{rng.choice(FIRST)} {rng.choice(LAST)}"),
                child_name=child.full_name if child else extra.pop("child_name", ""),
                child_date_of_birth=child.date_of_birth if child else None,
                address=child.address + f" {child.postcode}" if child else "",
                category=category,
                concern=concerns[category],
                declared_constituent_asked=True,
                received_on=received,
                target_reply_on=target_reply_on(received),
                area=case.area if case else None,
                case=case,
                matched_at=timezone.now() if case else None,
                created_at=_at(received, None),
                **extra,
            )
            if (
                enquiry.status in (EnquiryStatus.ASSIGNED, EnquiryStatus.ANSWERED)
                and enquiry.assigned_officer is None
                and case is not None
            ):
                assert case.area_id is not None  # every demo case has an area
                enquiry.assigned_officer = case.caseworker or self.caseworkers[case.area_id][0]
            if enquiry.status == EnquiryStatus.ANSWERED:
                enquiry.replied_on = min(today, enquiry.replied_on or today)
                enquiry.replied_at = _at(enquiry.replied_on, None)
                enquiry.replied_by = enquiry.assigned_officer
                enquiry.reply_working_days = working_days_between(received, enquiry.replied_on)
            enquiries.append(enquiry)
            if case:
                events.append(
                    CaseEvent(
                        case=case,
                        kind="member_enquiry",
                        family_visible=True,
                        summary=f"{member.get_full_name()}, elected member for {member.ward}, "
                        "asked us about this request",
                        created_at=_at(received, None),
                    )
                )

        if demo_cases:
            add(
                councillor,
                demo_cases[0],
                3,
                category="delay",
                parent_name=parent.full_name,
                status=EnquiryStatus.ASSIGNED,
            )
            Consent.objects.create(
                child=demo_cases[0].child,
                party=Consent.Party.ELECTED_MEMBER,
                member=councillor,
                detail=f"Elected member query about {demo_cases[0].reference}",
                given_by=parent,
            )
        if len(demo_cases) > 1:
            add(
                councillor,
                demo_cases[1],
                16,
                category="communication",
                parent_name=parent.full_name,
                status=EnquiryStatus.ANSWERED,
                reply="Thank you for raising this. The caseworker has called the family and "
                "agreed to send weekly updates until the plan is finalised.",
                replied_on=today - timedelta(days=5),
            )
        # An unmatched query by name and date of birth, waiting for triage.
        add(
            councillor,
            None,
            1,
            category="transport",
            child_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        )

        ward_area = {w: a for a in self.areas for w in self.wards[a.pk]}
        members = User.objects.filter(role=Role.ELECTED_MEMBER).exclude(pk=councillor.pk)
        for member in members.order_by("email"):
            area = ward_area.get(member.ward)
            if area is None:
                continue
            area_cases = list(
                Case.objects.filter(area=area, is_open=True)
                .select_related("child", "caseworker")
                .order_by("id")[:40]
            )
            if not area_cases:
                continue
            for _ in range(rng.randint(1, 3)):
                case = rng.choice(area_cases)
                days_ago = rng.randint(1, 60)
                roll = rng.random()
                if roll < 0.45:
                    late = rng.random() < 0.25
                    add(
                        member,
                        case,
                        days_ago,
                        status=EnquiryStatus.ANSWERED,
                        reply="We have looked into this and written to the family with an update.",
                        replied_on=today
                        - timedelta(days=max(0, days_ago - rng.randint(3, 20 if late else 12))),
                    )
                elif roll < 0.8:
                    add(member, case, days_ago, status=EnquiryStatus.ASSIGNED)
                else:
                    add(member, case, min(days_ago, 4))
        MemberEnquiry.objects.bulk_create(enquiries)
        CaseEvent.objects.bulk_create(events)

    def build_assignment_profiles(self) -> None:
        """Caseworker profiles with different hours, caseloads, specialisms and languages, so
        the assignment rules have something to choose between (one bulk insert). Targets match
        the demo's scale of roughly 150 open cases per caseworker."""
        from decimal import Decimal

        from cases.assignment.models import CaseworkerProfile

        patterns = [
            (Decimal("1.00"), 140, ["early_years", "asd"], ["Urdu", "Punjabi"]),
            (Decimal("0.80"), 130, ["semh", "looked_after"], ["Polish"]),
            (Decimal("0.60"), 140, ["post16", "learning"], []),
            (Decimal("1.00"), 150, ["sensory", "slcn"], ["Arabic"]),
            (Decimal("0.50"), 140, ["physical", "early_years"], ["Romanian", "Kurdish"]),
        ]
        profiles = []
        for workers in self.caseworkers.values():
            for i, user in enumerate(workers):
                fte, target, specialisms, languages = patterns[i % len(patterns)]
                profiles.append(
                    CaseworkerProfile(
                        user=user,
                        fte=fte,
                        target_caseload=target,
                        specialisms=specialisms,
                        languages=languages,
                    )
                )
        # One caseworker away, so the rebalancing page has someone to move cases from.
        if len(profiles) > 2:
            profiles[-1].taking_new_cases = False
            profiles[-1].not_taking_reason = CaseworkerProfile.NotTakingReason.ABSENT
            profiles[-1].not_taking_note = "On leave for six weeks"
        CaseworkerProfile.objects.bulk_create(profiles, batch_size=BATCH)

    def build_front_door(self) -> None:
        """A request the demo parent started and has not sent: it waits on their home page."""
        from families.models import RequestDraft
        from families.services import child_add, request_draft_start

        parent = User.objects.filter(email="parent@demo.ehcp.test").first()
        if parent is None:
            return
        child = child_add(
            user=parent,
            first_name="Ayo",
            last_name="Okafor",
            date_of_birth=self.today - timedelta(days=5 * 365 + 40),
        )
        draft = request_draft_start(user=parent, route=RequestDraft.Route.FAMILY, child=child)
        draft.answers["child-address"] = {
            "data": {"address": ["14 Chapel Lane, Leeds"], "postcode": ["LS6 3AB"]}
        }
        draft.answers["child-language"] = {"data": {"home_language": ["English"]}}
        draft.save(update_fields=["answers"])

    def build_plans(self) -> None:
        """Plans for the demo caseworker's cases past drafting (a few dozen rows, no PDFs)."""
        from cases.plans.models import Consultation, Plan, PlanVersion
        from cases.plans.services import _prefilled_sections
        from cases.statutory import timeline

        status_for: dict[str, str] = {
            Stage.DRAFTING: Plan.Status.DRAFTING,
            Stage.DRAFT_WITH_FAMILY: Plan.Status.DRAFT_ISSUED,
            Stage.CONSULTING: Plan.Status.DRAFT_ISSUED,
            Stage.FINAL_ISSUED: Plan.Status.FINAL,
            Stage.MAINTAINED: Plan.Status.FINAL,
        }
        senco_setting = (
            User.objects.filter(email="senco@demo.ehcp.test")
            .values_list("setting", flat=True)
            .first()
        )
        cases = list(
            Case.objects.filter(
                caseworker__email="caseworker@demo.ehcp.test", stage__in=list(status_for)
            ).select_related("child")[:30]
        )
        for case in cases:
            sections = _prefilled_sections(case)
            if sections["B"]["items"]:
                sections["E"]["items"].append(
                    {
                        "id": "E1",
                        "text": "Takes part in lessons with growing independence",
                        "need": "B1",
                    }
                )
                sections["F"]["items"].append(
                    {
                        "id": "F1",
                        "text": "Small-group teaching for 5 hours a week from a trained assistant",
                        "need": "B1",
                        "outcome": "E1",
                    }
                )
            sections["I"]["text"] = "A mainstream school with access to specialist support"
            status = status_for[case.stage]
            final = status == Plan.Status.FINAL and case.final_issued_on
            due = timeline(case.received_on)["final_plan"]
            plan = Plan.objects.create(
                case=case,
                status=status,
                named_setting_id=case.child.setting_id if final else None,
                draft_version=1 if status != Plan.Status.DRAFTING else None,
                final_version=1 if final else None,
                twenty_week_due=due if final else None,
                twenty_week_met=(
                    (case.final_issued_on <= due) if final and case.final_issued_on else None
                ),
            )
            PlanVersion.objects.create(plan=plan, number=1, sections=sections, change="Demo plan")
            if case.stage == Stage.CONSULTING and senco_setting and case.consultation_sent_on:
                Consultation.objects.create(
                    plan=plan,
                    setting_id=senco_setting,
                    sent_on=case.consultation_sent_on,
                    response_due=timeline(
                        case.received_on, consultation_sent=case.consultation_sent_on
                    )["consultation_response"],
                )


def _phase_fits(kind: str, age: int) -> bool:
    if age < 4:
        return kind == SettingType.EARLY_YEARS
    if age < 11:
        return kind in (SettingType.MAINSTREAM_PRIMARY, SettingType.RESOURCED, SettingType.SPECIAL)
    if age < 16:
        return kind in (SettingType.MAINSTREAM_SECONDARY, SettingType.SPECIAL)
    return kind in (SettingType.FE_COLLEGE, SettingType.SPECIAL)


def _at(day: date, now: object) -> datetime:
    from datetime import time

    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _demo_priority(case: Case, child: Child, today: date) -> int:
    score = 0
    if case.next_deadline_on:
        score += max(0, 60 - (case.next_deadline_on - today).days)
    if child.looked_after:
        score += 50
    return score


def demo_reset() -> None:
    """Remove everything seed_demo made (used by --reset)."""
    from notifications.models import Notification

    with transaction.atomic():
        Notification.objects.all().delete()
        from panels.models import Meeting, PanelPaper

        Meeting.objects.all().delete()
        PanelPaper.objects.all().delete()
        from cases.members.models import MemberEnquiry

        MemberEnquiry.objects.all().delete()
        CaseEvent.objects.all().delete()
        Case.objects.all().delete()
        from cases.advice.models import AdviceTeam

        AdviceTeam.objects.all().delete()
        CaseReferenceCounter.objects.all().delete()
        Consent.objects.all().delete()
        FamilyMembership.objects.all().delete()
        Child.objects.all().delete()
        User.objects.filter(email__endswith="demo.ehcp.test").update(team=None, setting=None)
        Team.objects.all().delete()
        User.objects.filter(email__endswith="demo.ehcp.test").delete()
        Setting.objects.all().delete()
        Area.objects.all().delete()
