"""Property-based check of the API against its own OpenAPI schema (schemathesis, in-process).

Every operation gets a few generated requests, valid and invalid, with the admin key: no
response may be a 5xx, and status codes, content types and bodies must match what the schema
documents. Bounded: a handful of examples per operation, no shrinking deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python.asgi import shutdown_lifespans

from lessonplan.api.app import create_app

from .helpers import ADMIN_KEY, api_settings

# domain.models.Role / domain.lesson.RolePlay: the `register` field takes ABCMeta.register as its
# default (reported); pydantic warns while documenting it. Only that warning is let through.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Default value <bound method ModelMetaclass.register"
    ":pydantic.json_schema.PydanticJsonSchemaWarning"
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_schema(tmp_path: Path) -> Iterator[schemathesis.BaseSchema]:
    app = create_app(api_settings(tmp_path, api_keys=ADMIN_KEY, max_body_bytes=32 * 1024))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    shutdown_lifespans()  # closes the runtime the app's lifespan opened


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"X-API-Key": ADMIN_KEY}, checks=CHECKS)
