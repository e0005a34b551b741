"""The API against its own OpenAPI document (schemathesis, loaded from the WSGI app).

Every operation is called with generated requests, valid and invalid, authenticated with a
caseworker's token. Generated ids are random, so most would only ever meet a 404; the case and
assessment ids in the path are therefore replaced by those of a real case Alice owns (when the
generated id is a well-formed UUID), so the generated bodies reach the services.

Checks: no 5xx, every status code documented, every body and content type as documented,
invalid input refused, and requests without credentials refused. ``positive_data_acceptance``
is left out: the document says what is well formed, not the rules of the workflow (a date of
birth in the future, a case plan before its assessment), which rightly answer 400. For the
multipart upload ``negative_data_rejection`` is left out too: a form field is always text.
"""

from __future__ import annotations

import os
import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from kinlink.cases.models import Assessment
from kinlink.wsgi import application

from ..conftest import register

EXAMPLES = int(os.environ.get("KINLINK_CONTRACT_EXAMPLES", "8"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(max_examples=EXAMPLES, database="none")
schema.config.phases.update(
    phases=os.environ.get("KINLINK_CONTRACT_PHASES", "examples,fuzzing").split(",")
)


@pytest.fixture
def alice_env(world):
    case = register(world.alice)
    token = Token.objects.create(user=world.alice)
    assessment = Assessment.objects.system("test").get(case=case)
    return {
        "headers": {"Authorization": f"Token {token.key}"},
        "ids": {"case_id": str(case.pk), "assessment_id": str(assessment.pk)},
    }


@pytest.fixture
def in_process_requests():
    """Keep the test's database connection across requests, as Django's test client does.

    The WSGI handler closes "old" connections when a request ends; inside the test
    transaction that would close PostgreSQL's connection under the test's feet.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case, alice_env, in_process_requests):
    for name, real in alice_env["ids"].items():
        if case.path_parameters and _is_uuid(case.path_parameters.get(name)):
            case.path_parameters[name] = real
    excluded = [positive_data_acceptance]
    if case.media_type == "multipart/form-data":
        # A form carries text only: a "number" sent as a title is a valid title there.
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers=alice_env["headers"], excluded_checks=excluded)
