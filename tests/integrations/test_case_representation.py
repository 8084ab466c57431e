"""The API's case list writes each case by hand for speed (CaseSerializer.to_representation):
it must say exactly what DRF's own field-by-field writing says, for every field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rest_framework import serializers

from cases.integrations.serializers import CaseDetailSerializer, CaseSerializer
from cases.models import Case, Stage
from tests.factories import CaseFactory


def _drf(serializer_class, case):
    """What DRF's ModelSerializer writes for the case, field by field."""
    return serializers.ModelSerializer.to_representation(serializer_class(), case)


@pytest.mark.parametrize(
    "updated_at",
    [datetime(2026, 7, 1, 9, 30, tzinfo=UTC), datetime(2026, 12, 1, 9, 30, 5, 123456, tzinfo=UTC)],
)
def test_a_case_with_everything_is_written_as_drf_writes_it(team, caseworker, updated_at):
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.ASSESSING,
        next_deadline_on=date(2027, 1, 4),
        next_deadline_key="assessment_decision",
        next_deadline_excepted=True,
    )
    Case.objects.filter(pk=case.pk).update(updated_at=updated_at)
    case = Case.objects.select_related("child", "caseworker", "area").get(pk=case.pk)
    written = CaseSerializer().to_representation(case)
    assert written == _drf(CaseSerializer, case)
    # British Summer Time in July, and UTC in December, as DRF writes them.
    assert written["updated_at"].endswith("+01:00" if updated_at.month == 7 else "Z")


def test_a_case_with_no_area_caseworker_or_deadline_is_written_as_drf_writes_it(team):
    case = CaseFactory(team=team, caseworker=None, next_deadline_on=None, next_deadline_key="")
    Case.objects.filter(pk=case.pk).update(area=None, team=None)
    case = Case.objects.select_related("child", "caseworker", "area").get(pk=case.pk)
    written = CaseSerializer().to_representation(case)
    assert written == _drf(CaseSerializer, case)
    assert written["area"] is None and written["caseworker"] is None


def test_the_case_detail_adds_its_deadlines(case):
    case = Case.objects.select_related("child", "caseworker", "area").get(pk=case.pk)
    written = CaseDetailSerializer().to_representation(case)
    assert written == _drf(CaseDetailSerializer, case)
    assert isinstance(written["deadlines"], list)
