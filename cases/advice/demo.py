"""Advice for the demo council: the educational psychologist by name, health and
social care through their team inboxes, and advice requests for every case being assessed,
answered unless the case still waits on others."""

from __future__ import annotations

from datetime import date, timedelta

from cases.advice.models import AdviceRequest, AdviceTeam
from cases.demo import BATCH, DemoCouncil, demo_insert
from cases.models import Case, Stage
from cases.statutory import timeline
from ehcp_portal.accounts.models import Discipline, Role, User

# key (the demo email's local part), discipline, organisation, team name, advice source
ADVICE_GIVERS = [
    (
        "ep",
        Discipline.EDUCATIONAL_PSYCHOLOGY,
        "Educational Psychology Service",
        "Educational Psychology Service",
        "ep",
    ),
    (
        "health",
        Discipline.HEALTH,
        "Designated Clinical Officer, NHS West Yorkshire",
        "Health: Designated Clinical Officer",
        "health",
    ),
    (
        "socialcare",
        Discipline.SOCIAL_CARE,
        "Children's Social Work Service",
        "Children's Social Work Service",
        "social_care",
    ),
]


def build_advice_givers(council: DemoCouncil) -> dict[str, AdviceTeam]:
    """One advice giver per discipline (the EP signs in), each leading their service's team."""
    teams = {}
    for key, discipline, organisation, team_name, source in ADVICE_GIVERS:
        giver = council.user(
            f"{key}@demo.ehcp.test",
            council.name(),
            Role.ADVICE_GIVER,
            organisation,
            login=key == "ep",
            organisation=organisation,
            discipline=discipline,
        )
        team = AdviceTeam.objects.create(name=team_name, source=source, lead=giver)
        team.members.add(giver)
        teams[key] = team
    return teams


def build_advice_requests(council: DemoCouncil, teams: dict[str, AdviceTeam]) -> None:
    """Three requests per case being assessed: the EP by name, health and social care through
    their team inboxes. A case waiting on others has at least one still open."""
    rng = council.rng
    ep = teams["ep"].lead
    asked = [
        ("ep", ep, None, ep),
        ("health", None, teams["health"], teams["health"].lead),
        ("social_care", None, teams["socialcare"], teams["socialcare"].lead),
    ]
    rows: list[AdviceRequest] = []
    cases = Case.objects.filter(stage=Stage.ASSESSING, advice_requested_on__isnull=False)
    for case_id, received, requested, waiting, caseworker_id in cases.values_list(
        "id", "received_on", "advice_requested_on", "waiting_on_others", "caseworker_id"
    ).iterator(chunk_size=BATCH):
        assert requested is not None  # filtered to cases with the date
        due = timeline(received, advice_requested=requested)["advice"]  # reg 8(1)
        open_index = rng.randrange(3) if waiting else -1
        for i, (source, addressee, team, answerer) in enumerate(asked):
            assert answerer is not None  # every demo team was made with its giver as lead
            answered = i != open_index and (not waiting or rng.random() < 0.5)
            responded = min(council.today, requested + timedelta(days=rng.randint(10, 45)))
            rows.append(
                AdviceRequest(
                    case_id=case_id,
                    source=source,
                    addressee=addressee,
                    team=team,
                    requested_by_id=caseworker_id,
                    requested_on=requested,
                    due_on=due,
                    **(
                        _answer(answerer, responded)
                        if answered
                        else {"state": AdviceRequest.State.SENT}
                    ),
                )
            )
        if len(rows) >= BATCH:
            demo_insert(AdviceRequest, rows)
            rows = []
    demo_insert(AdviceRequest, rows)


def _answer(answerer: User, responded: date) -> dict[str, object]:
    return {
        "state": AdviceRequest.State.RECEIVED,
        "responded_on": responded,
        "responded_by": answerer,
        "needs": "Difficulties with reading and attention.",
        "outcomes": "Reads age-appropriate texts by the end of Key Stage 2.",
        "provision": "Weekly 1:1 literacy support.",
    }


def advice_reset() -> None:
    """Remove the advice teams (advice requests go with their cases)."""
    AdviceTeam.objects.all().delete()
