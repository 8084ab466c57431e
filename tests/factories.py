"""factory_boy factories, with traits per stage."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from cases.models import Area, Case, Setting, SettingType, Stage, Team
from ehcp_portal.accounts.models import Role, User
from families.models import Child, FamilyMembership

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.PARENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Area {n}")
    # Real postcode districts only (LS1..LS99, then other areas' letters): a district such as
    # "LS111" does not exist, and the cohort import rightly refuses it.
    postcode_districts = factory.Sequence(
        lambda n: [f"{('LS', 'BD', 'WF', 'HX', 'HD', 'YO', 'HG', 'DN')[n // 99 % 8]}{n % 99 + 1}"]
    )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    area = factory.SubFactory(AreaFactory)


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting

    name = factory.Sequence(lambda n: f"School {n}")
    urn = factory.Sequence(lambda n: f"{200000 + n}")
    setting_type = SettingType.MAINSTREAM_PRIMARY
    needs_met = ["ASD", "SLCN"]
    capacity = 420


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.LazyFunction(lambda: date.today() - timedelta(days=8 * 365))
    postcode = "LS1 1AA"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"EHC-2026-{n + 1:06d}")
    child = factory.SubFactory(ChildFactory)
    received_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    stage = Stage.DECIDING_ASSESS
    team = factory.SubFactory(TeamFactory)
    area = factory.SelfAttribute("team.area")

    class Params:
        assessing = factory.Trait(
            stage=Stage.ASSESSING,
            received_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=50)),
            assessment_decision_on=factory.LazyFunction(
                lambda: timezone.localdate() - timedelta(days=10)
            ),
            advice_requested_on=factory.LazyFunction(
                lambda: timezone.localdate() - timedelta(days=9)
            ),
        )
        closed = factory.Trait(stage=Stage.WITHDRAWN, is_open=False)


def family_for(case: Case, user: User | None = None) -> User:
    user = user or UserFactory(role=Role.PARENT)
    FamilyMembership.objects.create(
        user=user, child=case.child, relationship=FamilyMembership.Relationship.PARENT
    )
    return user


# -- Advice ---------------------------------------------------------------------------------------


class AdviceTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "advice.AdviceTeam"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Advice service {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.add(*extracted)


class AdviceRequestFactory(factory.django.DjangoModelFactory):
    """An advice request sent today to a named advice giver, due in 6 weeks (reg 8(1))."""

    class Meta:
        model = "advice.AdviceRequest"

    case = factory.SubFactory(CaseFactory, assessing=True)
    source = "ep"
    addressee = factory.SubFactory(UserFactory, role=Role.ADVICE_GIVER)
    requested_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.requested_on + timedelta(weeks=6))
