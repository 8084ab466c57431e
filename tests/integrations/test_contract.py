"""The contract: schemathesis generates calls from /api/schema/ for every operation, made with a
token of each scope in turn. No call answers 5xx or breaks the schema (status, content type,
body), and an operation answers 403 to every client without its scope.

Each generated call is made as generated (mostly unknown references: 404 problems) and again
against a real case the client's owner may work on, so the 200/201 answers are checked too.
Examples are limited to keep the run short.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.integrations.docs import api_schema
from cases.integrations.models import Scope
from cases.plans.models import Plan, PlanVersion
from ehcp_portal.accounts.models import Role
from tests.factories import AdviceRequestFactory, CaseFactory, SettingFactory, UserFactory
from tests.integrations.conftest import issue_client

SCHEMA = schemathesis.openapi.from_dict(api_schema())
APP = WSGIHandler()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process():
    """Calls reach Django in this process, inside the test's transaction: as Django's own test
    client does, a finished request must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, in_process, team, caseworker, manager):
    """A case with a plan and an open advice request, owners fit for each scope, a token each."""
    cache.clear()
    case = CaseFactory(
        team=team, caseworker=caseworker, final_issued_on=timezone.localdate() - timedelta(days=9)
    )
    plan = Plan.objects.create(case=case)
    PlanVersion.objects.create(plan=plan, number=1, sections={}, change="Started")
    giver = UserFactory(role=Role.ADVICE_GIVER)
    advice = AdviceRequestFactory(case=case, addressee=giver)
    senco = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    owners = {Scope.REQUESTS_WRITE: senco, Scope.ADVICE_WRITE: giver}
    tokens = {
        scope: issue_client(owners.get(scope, manager), [scope], rate=100_000)[1] for scope in Scope
    }
    return {"case": case, "advice": advice, "tokens": tokens}


@SCHEMA.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_contract(case, world):
    required = case.operation.definition.raw.get("x-required-scope")
    assert required in Scope.values, case.operation.label  # every operation names its scope
    tries = [dict(case.path_parameters or {})]
    real = {"reference": world["case"].reference, "advice_request": str(world["advice"].public_id)}
    if case.path_parameters:
        tries.append({k: real.get(k, v) for k, v in case.path_parameters.items()})
    for scope in Scope:
        headers = {"Authorization": f"Bearer {world['tokens'][scope]}"}
        for path_parameters in tries:
            case.path_parameters = path_parameters
            response = case.call(app=APP, headers=headers)
            if required != scope:
                assert response.status_code == 403, (case.operation.label, scope, response.text)
            case.validate_response(response, checks=CHECKS)
