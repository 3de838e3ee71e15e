"""Schemathesis over the OpenAPI document: no 5xx, and every response matches its schema.

Bounded: a few examples per operation. Left out: the action list, actions workbook and reports
(seconds per call on the sample, covered in test_api_roles), and the operations that start jobs,
upload, log out or disable users (covered in test_api_writes; random calls would change state).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from _api_support import Api, build_api
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXCLUDED = (
    r"^/api/v1/(actions|exports/actions|reports/.*|runs|series|auth/logout"
    r"|users/\{name\}/disable|ingest/\{table\})$"
)


@pytest.fixture(scope="module")
def api(history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory):
    built, app = build_api(history_workspace_file, tmp_path_factory.mktemp("schema"))
    built.app = app  # type: ignore[attr-defined]
    yield built
    built.client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def api_schema(api: Api):
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", api.app)  # type: ignore[attr-defined]
    return loaded.exclude(path_regex=EXCLUDED)


@pytest.mark.slow
def test_api_conforms_to_its_openapi(api_schema, api: Api) -> None:
    headers = api.as_("root")
    checked = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:  # noqa: ANN001
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )

        call()
        checked.append(operation.label)
    assert len(checked) >= 25, checked
