"""The cohort route: every row judged alone, re-runs never duplicate, same rules as any request."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.assignment.cohort import CohortFileError, cohort_import, cohort_rows_read
from cases.assignment.models import AssignmentDecision, CohortImport
from cases.models import Case, Route, Stage
from families.models import Child
from notifications.models import Notification
from tests.factories import CaseFactory, ChildFactory, SettingFactory

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs\n"


def csv_for(team, setting_urn="", extra_rows=()):
    d = team.area.postcode_districts[0]
    today = timezone.localdate()
    school_year_start = today.year if today.month >= 9 else today.year - 1
    year6 = date(school_year_start - 10, 3, 1)  # ten on 31 August: Year 6
    rows = [
        f"Amira,Khan,2018-04-02,{d} 1AA,{setting_urn},no,SEMH;SLCN",  # 2 good
        "Tomasz,Nowak,2017-05-05,NOT A POSTCODE,,no,ASD",  # 3 bad postcode
        f"Lily,Wood,,{d} 2AB,,no,ASD",  # 4 missing date of birth
        "Noah,Hall,2016-01-01,ZZ9 9ZZ,,no,ASD",  # 5 unknown area
        f"Ava,Green,{year6.isoformat()},{d} 3CD,,yes,ASD",  # 6 good: looked after, Year 6
        f"Amira,Khan,2018-04-02,{d} 1AA,,no,SEMH",  # 7 duplicate of row 2
        f"Oscar,Ali,2015-02-02,{d} 4EF,,maybe,XYZ",  # 8 bad looked_after and need code
        *extra_rows,
    ]
    return HEADER + "\n".join(rows) + "\n"


def test_good_rows_become_assigned_prioritised_cases_and_bad_rows_are_reported(team, make_worker):
    worker = make_worker(team)
    setting = SettingFactory()
    rows = cohort_rows_read(csv_for(team, setting.urn).encode())

    record = cohort_import(rows=rows, filename="fif.csv")

    assert (record.rows_total, record.created_count, record.rejected_count) == (7, 2, 5)
    report = {r["row"]: r for r in record.report}
    assert report[2]["status"] == "created" and report[6]["status"] == "created"
    assert report[3]["reasons"] == ["bad postcode 'NOT A POSTCODE'"]
    assert report[4]["reasons"] == ["missing date of birth"]
    assert report[5]["reasons"] == ["unknown area: postcode district ZZ9 is not ours"]
    assert report[7]["reasons"] == ["duplicate child: same name and date of birth as row 2"]
    assert report[8]["reasons"] == [
        "looked_after must be yes or no, not 'maybe'",
        "unknown need code XYZ",
    ]
    cases = Case.objects.filter(route=Route.COHORT).select_related("child")
    assert cases.count() == 2
    for case in cases:
        assert case.stage == Stage.RECEIVED and case.caseworker == worker
        assert case.next_deadline_key == "decision_to_assess"
        assert case.events.filter(kind="assigned").exists()
    amira = cases.get(child__first_name="Amira")
    assert amira.child.setting == setting and amira.needs == ["SEMH", "SLCN"]
    ava = cases.get(child__first_name="Ava")
    assert ava.priority > amira.priority  # looked after and at a transition point
    assert {r["indicator"] for r in ava.priority_reasons} >= {"looked_after", "transition"}
    assert AssignmentDecision.objects.filter(kind="cohort").count() == 2


def test_a_rerun_never_duplicates(team, make_worker):
    make_worker(team)
    rows = cohort_rows_read(csv_for(team))
    cohort_import(rows=rows, filename="fif.csv")
    again = cohort_import(rows=rows, filename="fif.csv")
    assert again.created_count == 0
    assert Case.objects.filter(route=Route.COHORT).count() == 2
    assert Child.objects.filter(first_name="Amira", last_name="Khan").count() == 1
    reasons = {r["row"]: r["reasons"] for r in again.report}
    assert reasons[2][0].startswith("duplicate child: already has an open case EHC-")


def test_existing_open_case_is_a_duplicate_and_a_closed_one_keeps_its_caseworker(team, make_worker):
    make_worker(team)
    previous = make_worker(team, open_cases=5)
    d = team.area.postcode_districts[0]
    open_child = ChildFactory(first_name="Zara", last_name="Scott", date_of_birth=date(2016, 6, 1))
    CaseFactory(child=open_child, team=team)
    closed_child = ChildFactory(first_name="Leo", last_name="Young", date_of_birth=date(2015, 6, 1))
    CaseFactory(child=closed_child, team=team, caseworker=previous, closed=True)
    text = HEADER + f"zara,SCOTT,2016-06-01,{d} 1AA,,no,\nLeo,Young,01/06/2015,{d} 1AB,,no,\n"

    record = cohort_import(rows=cohort_rows_read(text), filename="x.csv")

    assert record.report[0]["status"] == "rejected"
    assert "already has an open case" in record.report[0]["reasons"][0]
    leo = Case.objects.get(route=Route.COHORT)
    assert leo.child == closed_child  # the known child, not a copy
    assert leo.caseworker == previous
    assert "previous caseworker" in AssignmentDecision.objects.get(case=leo).explanation


def test_cases_spread_across_caseworkers_as_they_are_placed(team, make_worker):
    a, b = make_worker(team), make_worker(team)
    d = team.area.postcode_districts[0]
    lines = [f"Child{i},Test,2015-01-{i + 1:02d},{d} 1AA,,no,ASD" for i in range(20)]
    cohort_import(rows=cohort_rows_read(HEADER + "\n".join(lines)), filename="x.csv")
    assert Case.objects.filter(caseworker=a).count() == 10
    assert Case.objects.filter(caseworker=b).count() == 10


def test_no_eligible_caseworker_queues_the_cases_and_alerts_the_manager_once(team, manager):
    record = cohort_import(rows=cohort_rows_read(csv_for(team)), filename="x.csv")
    assert record.created_count == 2 and record.unassigned_count == 2
    assert Case.objects.filter(route=Route.COHORT, caseworker__isnull=True).count() == 2
    alerts = Notification.objects.filter(recipient=manager, channel="in_app")
    assert alerts.count() == 1
    assert alerts.get().subject == "2 imported cases need a caseworker"


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "The file is empty."),
        ("name,dob\nA,2015-01-01\n", "Missing: first_name, last_name, date_of_birth, postcode"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(text, message):
    with pytest.raises(CohortFileError, match=message):
        cohort_rows_read(text.encode())


def test_nul_bytes_and_byte_order_mark_are_stripped(team, make_worker):
    make_worker(team)
    d = team.area.postcode_districts[0]
    data = ("\ufeff" + HEADER + f"Ev\x00ie,Hughes,2016-02-02,{d} 1AA,,no,\n").encode()
    record = cohort_import(rows=cohort_rows_read(data), filename="x.csv")
    assert record.created_count == 1
    assert Child.objects.filter(first_name="Evie").exists()


def test_management_command_reports_rejections(team, make_worker, tmp_path):
    make_worker(team)
    path = tmp_path / "cohort.csv"
    path.write_text(csv_for(team))
    out = StringIO()
    call_command("cohort_import", str(path), stdout=out)
    text = out.getvalue()
    assert "row 4: Lily Wood: missing date of birth" in text
    assert "7 rows: 2 cases created (0 unassigned), 5 rejected." in text
    assert CohortImport.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("cohort_import", str(tmp_path / "missing.csv"))


def test_assignment_simulate_prints_spread_match_rate_and_timing(team, make_worker):
    make_worker(team)
    make_worker(team, fte="0.50")
    before = Case.objects.count()
    out = StringIO()
    call_command("assignment_simulate", "--cases", "12", stdout=out)
    text = out.getvalue()
    assert "Simulated 12 requests against 2 caseworkers." in text
    assert f"{team.area.name}: 2 caseworkers" in text
    assert "max/min" in text
    assert "Area-match rate: 100.0%" in text
    assert "Decision time: median" in text
    assert Case.objects.count() == before  # rolled back


def test_assignment_simulate_needs_caseworkers(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("assignment_simulate", "--cases", "5")


def test_received_date_is_today(team, make_worker):
    make_worker(team)
    cohort_import(rows=cohort_rows_read(csv_for(team)), filename="x.csv")
    assert set(Case.objects.filter(route=Route.COHORT).values_list("received_on", flat=True)) == {
        timezone.localdate()
    }


def test_a_upn_matches_a_known_child_and_a_wrong_check_letter_is_refused(team, make_worker):
    make_worker(team)
    d = team.area.postcode_districts[0]
    known = ChildFactory(
        first_name="Zainab", last_name="Rahman", date_of_birth=date(2016, 6, 1), upn="B201567815001"
    )
    header = "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs,upn\n"
    text = header + (
        f"Zaynab,Rahman,2016-06-01,{d} 1AA,,no,,b2015 6781 5001\n"  # another spelling, same UPN
        f"Ben,Ode,2016-07-01,{d} 1AB,,no,,A201567815001\n"  # the check letter is wrong
        f"Cara,Lee,2016-08-01,{d} 1AC,,no,,\n"  # no UPN: as before
    )

    record = cohort_import(rows=cohort_rows_read(text), filename="upn.csv")

    statuses = [(r["status"], r["reasons"]) for r in record.report]
    assert statuses[0] == ("created", [])
    assert statuses[1][0] == "rejected" and "check letter" in statuses[1][1][0]
    assert statuses[2] == ("created", [])
    assert Case.objects.get(route=Route.COHORT, child=known)  # the known child, not a copy
    assert Child.objects.filter(upn="B201567815001").count() == 1
    again = cohort_import(rows=cohort_rows_read(text), filename="upn.csv")
    assert "already has an open case" in again.report[0]["reasons"][0]
