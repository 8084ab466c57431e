"""The retention schedule: the dry run lists and removes nothing; a run anonymises or deletes,
keeps what a legal hold keeps and writes down what it removed."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, CaseEvent, Document, Message
from cases.plans.models import Plan
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.governance.models import (
    ErasureRecord,
    LegalHold,
    RecordType,
    RetentionAction,
    RetentionRule,
    Trigger,
)
from ehcp_portal.governance.retention import retention_candidates, retention_run, years_before
from families.models import Child, Consent, FamilyMembership, RequestDraft
from notifications.models import Notification
from tests.governance.conftest import access_records_backdate, long_ago, make_record

REFUSED = [r for r in Role if r != Role.DPO]


@pytest.fixture
def old(db):
    """Born 40 years ago, plan ceased long ago: past 31 years from birth."""
    return make_record(born=long_ago(40), closed=True)


@pytest.fixture
def young(db):
    return make_record(born=long_ago(8), closed=True)


def test_the_default_schedule_is_seeded(db):
    child = RetentionRule.objects.get(record_type=RecordType.CHILD_RECORD)
    assert (child.trigger, child.period_years, child.action) == ("date_of_birth", 31, "anonymise")
    assert "IRMS" in child.source
    assert RetentionRule.objects.get(record_type=RecordType.ACCESS_LOG).period_years == 6


def test_the_dry_run_lists_what_is_past_its_period_and_removes_nothing(old, young):
    counts = (Child.objects.count(), Case.objects.count(), Document.objects.count())
    report = retention_run(dry_run=True)

    children = [c for c in report.to_remove if c.child_id is not None]
    assert [c.child_id for c in children] == [old.child.pk]
    assert children[0].case_references == [old.case.reference]
    assert children[0].due_on == old.child.date_of_birth.replace(
        year=old.child.date_of_birth.year + 31
    )
    assert (Child.objects.count(), Case.objects.count(), Document.objects.count()) == counts
    assert Child.objects.get(pk=old.child.pk).first_name == "Amelia"
    assert not ErasureRecord.objects.exists()
    assert any("would anonymise" in line for line in report.lines())


def test_a_child_with_an_open_case_is_never_past_the_period(db):
    record = make_record(born=long_ago(40), closed=False)
    assert not [c for c in retention_candidates().candidates if c.child_id == record.child.pk]


def test_a_run_anonymises_the_child_and_keeps_the_case_for_statistics(
    old, young, django_capture_on_commit_callbacks
):
    files = [old.evidence.file.name, old.letter.file.name, old.draft_evidence.file.name]
    case_pk, reference, born = old.case.pk, old.case.reference, old.child.date_of_birth

    # The files are deleted once the removal has committed.
    with django_capture_on_commit_callbacks(execute=True):
        report = retention_run(dry_run=False)

    child = Child.objects.get(pk=old.child.pk)
    assert child.first_name == "Anonymised" and "Okafor" not in child.last_name
    assert child.date_of_birth == date(born.year, 1, 1)
    assert (child.address, child.postcode, child.setting) == ("", "", None)
    case = Case.objects.get(pk=case_pk)
    assert case.reference == f"ANON-{case_pk}"
    assert case.stage == old.case.stage and case.needs == old.case.needs
    # the names the case keeps for the caseload's search went with the child's
    assert (case.child_first_name, case.child_last_name) == (child.first_name, child.last_name)
    event = CaseEvent.objects.get(case=case)
    assert (event.summary, event.actor, event.data) == ("request_received", None, {})
    for model in (Document, Message, Plan, Notification):
        assert not model.objects.filter(pk__in=_ids_for(model, old)).exists(), model
    assert not FamilyMembership.objects.filter(child=child).exists()
    assert not Consent.objects.filter(child=child).exists()
    assert not RequestDraft.objects.filter(child=child).exists()
    # the other child is untouched
    assert Child.objects.get(pk=young.child.pk).first_name == "Amelia"
    assert Document.objects.filter(case=young.case).count() == 2

    erasure = ErasureRecord.objects.get(kind=ErasureRecord.Kind.CHILD_ANONYMISED)
    assert erasure.child_id_erased == old.child.pk
    assert erasure.case_references == [reference]
    assert "31 years from the child's date of birth" in erasure.rule_description
    assert erasure in report.erasures
    # no personal data in the audit of what was removed
    assert "Amelia" not in str(erasure.__dict__) and "Okafor" not in str(erasure.__dict__)
    assert not any(default_storage.exists(name) for name in files)


def _ids_for(model, record):
    if model is Document:
        return [record.evidence.pk, record.letter.pk, record.draft_evidence.pk]
    return list(model.objects.filter(case_id=record.case.pk).values_list("pk", flat=True)) or [0]


def test_a_second_run_removes_nothing_more(old):
    retention_run(dry_run=False)
    again = retention_run(dry_run=False)
    assert [c for c in again.candidates if c.child_id is not None] == []
    assert ErasureRecord.objects.filter(kind=ErasureRecord.Kind.CHILD_ANONYMISED).count() == 1


def test_a_legal_hold_keeps_the_whole_record(old, dpo):
    LegalHold.objects.create(case=old.case, reason="Tribunal appeal", set_by=dpo)
    report = retention_run(dry_run=False)

    assert [c.child_id for c in report.kept_by_hold if c.child_id] == [old.child.pk]
    assert Child.objects.get(pk=old.child.pk).first_name == "Amelia"
    assert Document.objects.filter(case=old.case).count() == 2
    assert not ErasureRecord.objects.filter(child_id_erased=old.child.pk).exists()
    assert any("kept: legal hold" in line for line in report.lines())


def test_a_released_hold_keeps_nothing(old, dpo):
    LegalHold.objects.create(
        child=old.child, reason="Complaint", set_by=dpo, released_at=timezone.now()
    )
    retention_run(dry_run=False)
    assert Child.objects.get(pk=old.child.pk).first_name == "Anonymised"


def test_a_delete_rule_removes_the_child_and_every_case(old):
    RetentionRule.objects.filter(record_type=RecordType.CHILD_RECORD).update(
        action=RetentionAction.DELETE
    )
    case_pk = old.case.pk
    retention_run(dry_run=False)
    assert not Child.objects.filter(pk=old.child.pk).exists()
    assert not Case.objects.filter(pk=case_pk).exists()
    assert not CaseEvent.objects.filter(case_id=case_pk).exists()
    erasure = ErasureRecord.objects.get(kind=ErasureRecord.Kind.CHILD_DELETED)
    assert erasure.case_ids == [case_pk]


def test_a_rule_switched_off_removes_nothing_but_the_dry_run_shows_it(old):
    RetentionRule.objects.filter(record_type=RecordType.CHILD_RECORD).update(active=False)
    report = retention_run(dry_run=False)
    assert Child.objects.get(pk=old.child.pk).first_name == "Amelia"
    assert any("rule switched off" in line for line in report.lines())


def test_the_access_log_notifications_and_unsent_drafts_past_their_period_go(young, dpo):
    ancient = timezone.now() - timedelta(days=7 * 365)
    held = make_record()
    LegalHold.objects.create(child=held.child, reason="Claim", set_by=dpo)
    access_records_backdate(ancient)
    Notification.objects.update(created_at=ancient)
    unsent = RequestDraft.objects.create(created_by=young.parent)
    RequestDraft.objects.filter(pk=unsent.pk).update(updated_at=ancient)
    recent = RequestDraft.objects.create(created_by=young.parent)

    retention_run(dry_run=False)

    assert list(AccessRecord.objects.values_list("child_id", flat=True)) == [held.child.pk]
    assert list(Notification.objects.values_list("case_id", flat=True)) == [held.case.pk]
    assert not RequestDraft.objects.filter(pk=unsent.pk).exists()
    assert RequestDraft.objects.filter(pk=recent.pk).exists()
    kinds = dict(ErasureRecord.objects.values_list("kind", "count"))
    assert kinds[ErasureRecord.Kind.ACCESS_LOG_PURGED] == 1
    assert kinds[ErasureRecord.Kind.NOTIFICATIONS_DELETED] == 1
    assert kinds[ErasureRecord.Kind.DRAFTS_DELETED] == 1


def test_the_management_command_dry_run_prints_and_keeps(old):
    out = StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "Dry run: nothing was removed" in printed
    assert old.case.reference in printed and "would anonymise" in printed
    assert "Amelia" not in printed  # the report names children by id, not by name
    assert Child.objects.get(pk=old.child.pk).first_name == "Amelia"


def test_a_rule_refuses_a_clock_or_action_that_makes_no_sense(db):
    rule = RetentionRule(
        record_type=RecordType.ACCESS_LOG,
        trigger=Trigger.DATE_OF_BIRTH,
        period_years=0,
        action=RetentionAction.ANONYMISE,
    )
    with pytest.raises(ValidationError) as raised:
        rule.clean()
    assert set(raised.value.message_dict) == {"trigger", "action", "period_years"}


def test_years_before_handles_29_february():
    assert years_before(date(2028, 2, 29), 31) == date(1997, 2, 28)
    assert years_before(date(2026, 3, 1), 1, 1) == date(2025, 2, 28)


# -- pages ----------------------------------------------------------------------------------------


def test_the_dpo_sees_the_dry_run_holds_and_removals(client, old, young, dpo):
    LegalHold.objects.create(case=young.case, reason="Complaint from the family", set_by=dpo)
    client.force_login(dpo)
    page = client.get("/governance/retention/").content.decode()
    assert f"Child {old.child.pk}" in page and old.case.reference in page
    assert "Complaint from the family" in page
    assert "Nothing has been removed yet" in page


def test_the_dpo_sets_and_releases_a_hold(client, old, dpo):
    client.force_login(dpo)
    response = client.post(
        "/governance/retention/holds/new/",
        {"case_reference": old.case.reference.lower(), "reason": "Tribunal appeal lodged"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.case, hold.child, hold.set_by) == (old.case, old.child, dpo)
    client.post(
        "/governance/retention/holds/new/",
        {"case_reference": old.case.reference, "reason": "again"},
    )
    assert LegalHold.objects.count() == 1  # one active hold per case
    client.post(f"/governance/retention/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == dpo


def test_a_hold_form_with_errors_keeps_what_was_typed(client, dpo, db):
    client.force_login(dpo)
    page = client.post(
        "/governance/retention/holds/new/",
        {"case_reference": "EHC-0000-000000", "reason": "Claim by the family\x00"},
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter the reference of an existing case" in page
    assert "EHC-0000-000000" in page and "Claim by the family" in page
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize("role", REFUSED)
def test_every_other_role_gets_404_from_the_retention_pages(client, user_of_role, old, dpo, role):
    hold = LegalHold.objects.create(case=old.case, reason="Claim", set_by=dpo)
    client.force_login(user_of_role(role, is_staff=role == Role.ADMIN))
    assert client.get("/governance/retention/").status_code == 404
    assert client.get("/governance/retention/holds/new/").status_code == 404
    assert (
        client.post(
            "/governance/retention/holds/new/",
            {"case_reference": old.case.reference, "reason": "x"},
        ).status_code
        == 404
    )
    assert client.post(f"/governance/retention/holds/{hold.pk}/release/").status_code == 404
    hold.refresh_from_db()
    assert hold.released_at is None and LegalHold.objects.count() == 1


def test_the_retention_page_runs_a_fixed_number_of_queries(
    client, dpo, django_assert_max_num_queries
):
    for _ in range(3):
        make_record(born=long_ago(40), closed=True)
    client.force_login(dpo)
    with django_assert_max_num_queries(20) as captured:
        client.get("/governance/retention/")
    fixed = len(captured)
    for _ in range(3):
        make_record(born=long_ago(40), closed=True)
    with django_assert_max_num_queries(fixed):
        client.get("/governance/retention/")


def test_bulk_removal_goes_in_batches_and_records_the_total(young, monkeypatch):
    from ehcp_portal.governance import retention

    monkeypatch.setattr(retention, "DELETE_BATCH", 2)
    for _ in range(4):
        make_record()
    access_records_backdate(timezone.now() - timedelta(days=7 * 365))
    total = AccessRecord.objects.count()
    assert total == 5

    retention_run(dry_run=False)

    assert not AccessRecord.objects.exists()
    erasure = ErasureRecord.objects.get(kind=ErasureRecord.Kind.ACCESS_LOG_PURGED)
    assert erasure.count == total


def test_beat_runs_the_retention_job_nightly():
    from django.conf import settings

    from ehcp_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["retention-run"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}


def test_the_nightly_task_runs_the_schedule(old):
    from ehcp_portal.governance.tasks import retention_run_daily

    assert retention_run_daily() == 1
    assert Child.objects.get(pk=old.child.pk).first_name == "Anonymised"


def _panel_and_dispute(record, dpo):
    """A panel item with a decision replaced by a later one (PROTECT between them, and from the
    item to its paper) and a dispute naming the decision's timeline event (PROTECT)."""
    import importlib

    from django.apps import apps as django_apps

    from cases.casework.models import Dispute
    from panels.models import AgendaItem, Decision, Meeting, PanelPaper, PanelType

    importlib.import_module("panels.migrations.0002_seed_panel_types_and_funding_bands").seed(
        django_apps, None
    )
    panel_type = PanelType.objects.order_by("pk").first()
    meeting = Meeting.objects.create(
        panel_type=panel_type, area=record.case.area, date=date(2011, 5, 1), chair=dpo
    )
    paper = PanelPaper.objects.create(
        case=record.case, panel_type=panel_type, summary="About Amelia", recommendation="Agree"
    )
    item = AgendaItem.objects.create(meeting=meeting, paper=paper, case=record.case)
    first = Decision.objects.create(
        item=item,
        outcome="agree",
        outcome_label="Agree",
        reasons="Amelia needs help",
        is_current=False,
        recorded_by=dpo,
    )
    Decision.objects.create(
        item=item,
        version=2,
        supersedes=first,
        outcome="agree",
        outcome_label="Agree",
        reasons="Amelia needs more help",
        recorded_by=dpo,
    )
    event = CaseEvent.objects.create(case=record.case, kind="decision", summary="Decided")
    Dispute.objects.create(
        case=record.case, decision_event=event, decision_on=date(2011, 5, 2), recorded_by=dpo
    )
    return meeting


@pytest.mark.parametrize("action", [RetentionAction.ANONYMISE, RetentionAction.DELETE])
def test_records_that_protect_each_other_are_removed_in_order(old, dpo, action):
    from cases.casework.models import Dispute
    from panels.models import AgendaItem, Decision, PanelPaper

    meeting = _panel_and_dispute(old, dpo)
    RetentionRule.objects.filter(record_type=RecordType.CHILD_RECORD).update(action=action)

    retention_run(dry_run=False)

    assert not AgendaItem.objects.filter(case_id=old.case.pk).exists()
    assert not Decision.objects.exists() and not PanelPaper.objects.exists()
    assert not Dispute.objects.exists()
    meeting.refresh_from_db()  # the meeting itself (other children's items) stays
