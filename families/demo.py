"""The families of the demo council: parents, children, family membership, consents, and a
request the demo parent has started but not sent. Children are bulk-inserted, so 100,000 take
seconds; the demo parent's unsent request goes through the real family services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from cases.demo import (
    AREAS,
    FIRST,
    LANGUAGES,
    LAST,
    STREETS,
    DemoCouncil,
    DemoFamily,
    demo_insert,
    demo_insert_values,
    setting_fits_age,
)
from cases.models import Area
from cases.pupil_numbers import upn_check_letter
from cases.statutory import school_year
from ehcp_portal.accounts.models import Role, User
from families.models import Child, Consent, FamilyMembership, RequestDraft
from families.services import child_add, request_draft_start

# The first this-many children have consented to the EP and their setting being involved.
CONSENTING_FAMILIES = 2000
# The first cases are in the demo caseworker's area, so their caseload covers every stage.
DEMO_AREA_CASES = 40


def build_family_demo_accounts(council: DemoCouncil) -> tuple[User, User]:
    """The demo parent (the first two children) and the demo young person (the third)."""
    demo_parent = council.user(
        "parent@demo.ehcp.test",
        "Sam Okafor",
        Role.PARENT,
        "parent of two children with requests",
    )
    young_person = council.user(
        "youngperson@demo.ehcp.test",
        "Jordan Reid",
        Role.YOUNG_PERSON,
        "a 17-year-old asking for themself",
    )
    return demo_parent, young_person


def build_families(
    council: DemoCouncil, demo_accounts: tuple[User, User], start: int, stop: int
) -> tuple[list[DemoFamily[Child]], list[Consent]]:
    """The children `start` to `stop - 1`, one per case to come (called once per batch, in
    order): the demo parent's two, the demo young person, then one family account per child
    (every 8th family has a second child, so a batch starts at a multiple of 8); and the
    consents the first families gave."""
    assert start % 8 == 0, "a family's second child is in the same batch as its first"
    demo_parent, young_person = demo_accounts
    family_users = _family_accounts(council, start, stop)
    families: list[DemoFamily[Child]] = []
    for i in range(start, stop):
        if i in (0, 1):
            parent = demo_parent
        elif i == 2:
            parent = young_person
        else:
            parent = family_users[i - 1 if i % 8 == 7 else i]
        area = council.areas[0 if i < DEMO_AREA_CASES else i % len(council.areas)]
        families.append(DemoFamily(_child(council, area, parent, i), parent, area))
    demo_insert(Child, [f.child for f in families])
    demo_insert_values(
        FamilyMembership,
        [
            {"user_id": f.requester.pk, "child_id": f.child.pk, "relationship": _relationship(f)}
            for f in families
        ],
    )
    consents = _consents(families[: max(0, CONSENTING_FAMILIES - start)])
    return families, consents


def _family_accounts(council: DemoCouncil, start: int, stop: int) -> dict[int, User]:
    """Accounts with no usable password: families the demo does not sign in as. One for each
    child that is neither the demo family's nor a second child."""
    users = {
        i: User(
            email=f"family{i:06d}@families.demo.ehcp.test",
            full_name=council.name(council.account_rng),
            role=Role.PARENT,
            password="!",
        )
        for i in range(max(start, 3), stop)
        if i % 8 != 7
    }
    demo_insert(User, list(users.values()))
    return users


def _child(council: DemoCouncil, area: Area, parent: User, index: int) -> Child:
    rng, today = council.family_rng, council.today
    age = 17 if index == 2 else rng.randint(2, 21)
    dob = today - timedelta(days=age * 365 + rng.randint(0, 364))
    last_name = parent.full_name.split(" ")[-1] if parent.full_name else rng.choice(LAST)
    settings = council.settings_by_area[area.pk]
    suitable = [s for s in settings if setting_fits_age(s.setting_type, age)] or settings
    return Child(
        **_sen2_identity(index, age),
        first_name=rng.choice(FIRST),
        last_name=last_name if index != 2 else "Reid",
        date_of_birth=dob,
        address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}, Leeds",
        postcode=council.postcode(AREAS[area.name][0], rng),
        home_language=rng.choice(LANGUAGES),
        looked_after=rng.random() < 0.06,
        year_group=school_year(dob, today),
        setting=rng.choice(suitable),
    )


# A spread like a northern city's school census (the commonest codes; a few refused).
DEMO_ETHNICITIES = ["WBRI", "APKN", "AIND", "BAFR", "MWBC", "WOTH", "BCRB", "CHNE", "OOTH", "REFU"]
DEMO_ETHNICITY_WEIGHTS = [62, 9, 4, 5, 4, 6, 2, 2, 3, 3]


def _sen2_identity(index: int, age: int) -> dict[str, str]:
    """Sex, ethnicity and a UPN with a correct check letter (as a school would give them), from
    the child's own seeded generator so the rest of the demo is unchanged."""
    rng = random.Random(f"sen2-child-{index}")
    identity = {
        "sex": rng.choice("FM"),
        "ethnicity": rng.choices(DEMO_ETHNICITIES, weights=DEMO_ETHNICITY_WEIGHTS)[0],
    }
    if age < 4 and rng.random() < 0.5:
        identity["upn_unknown"] = "UN1"  # not yet at a school that allocates one
    else:
        body = f"999{rng.randint(0, 99):02d}{rng.randint(0, 9999999):07d}"
        identity["upn"] = upn_check_letter(body) + body
    return identity


def _relationship(family: DemoFamily[Child]) -> str:
    if family.requester.role == Role.YOUNG_PERSON:
        return FamilyMembership.Relationship.SELF
    return FamilyMembership.Relationship.PARENT


def _consents(families: list[DemoFamily[Child]]) -> list[Consent]:
    now = timezone.now()
    consents = [
        Consent(
            child=f.child,
            party=Consent.Party.EDUCATIONAL_PSYCHOLOGY,
            given_by=f.requester,
            given_at=now,
        )
        for f in families
    ] + [
        Consent(
            child=f.child,
            party=Consent.Party.SETTING,
            setting=f.child.setting,
            given_by=f.requester,
            given_at=now,
        )
        for f in families
    ]
    demo_insert(Consent, consents)
    return consents


def build_front_door(council: DemoCouncil) -> None:
    """A request the demo parent started and has not sent: it waits on their home page."""
    parent = User.objects.filter(email="parent@demo.ehcp.test").first()
    if parent is None:
        return
    child = child_add(
        user=parent,
        first_name="Ayo",
        last_name="Okafor",
        date_of_birth=council.today - timedelta(days=5 * 365 + 40),
    )
    draft = request_draft_start(user=parent, route=RequestDraft.Route.FAMILY, child=child)
    draft.answers["child-address"] = {
        "data": {"address": ["14 Chapel Lane, Leeds"], "postcode": ["LS6 3AB"]}
    }
    draft.answers["child-identity"] = {"data": {"sex": ["M"], "ethnicity": ["BAFR"]}}
    draft.answers["child-pupil-number"] = {"data": {"upn": [""], "uln": [""]}}
    draft.answers["child-language"] = {"data": {"home_language": ["English"]}}
    draft.save(update_fields=["answers"])


def families_reset() -> None:
    """Remove the demo's children and what hangs off them (cases first)."""
    RequestDraft.objects.all().delete()
    Consent.objects.all().delete()
    FamilyMembership.objects.all().delete()
    Child.objects.all().delete()
