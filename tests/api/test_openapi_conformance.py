"""Property-based check of the API against its own OpenAPI schema (schemathesis, in-process).

Every operation gets a few generated requests, valid and invalid, sent with the admin key: no
response may be a 5xx, and status codes, content types, headers and bodies must match what the
schema documents; invalid requests must be refused with a 4xx. Bounded: a handful of examples
per operation and mode, no shrinking. Driven with plain hypothesis ``@given`` (schemathesis'
lazy pytest loader does not run under pytest 9: it writes ``Function._nodeid``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_api_conforms_to_its_schema(tmp_path: Path, subtests: pytest.Subtests) -> None:
    app = create_app(api_settings(tmp_path, api_keys=ADMIN_KEY, max_body_bytes=32 * 1024))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15
        for operation in operations:
            # the documented examples first (they reach real compiles), then generated requests
            runs = [("example", s) for s in schema.get_strategies_from_examples(operation)]
            runs += [
                (mode.value, operation.as_strategy(generation_mode=mode))
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            ]
            for name, strategy in runs:
                with subtests.test(msg=f"{operation.label} {name}"):
                    _check(operation, name, strategy)
    finally:
        shutdown_lifespans()  # closes the runtime the app's lifespan opened


def _check(operation: schemathesis.APIOperation, name: str, strategy: SearchStrategy) -> None:
    @EXAMPLES
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"X-API-Key": ADMIN_KEY}, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        # nothing to make invalid: an operation without parameters or body
        assert name == GenerationMode.NEGATIVE.value
        assert not operation.path_parameters and not operation.query and not operation.body
