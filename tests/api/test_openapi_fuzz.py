"""Schemathesis reads the OpenAPI document and fuzzes every operation in-process (WSGI), logged in
as a supervisor: no 5xx, and no response that breaks the documented schema, status or media type.

The suite runs a few derandomized examples per operation. A longer, random run (docs/personal-data.md
has its figures): ATENSI_FUZZ_EXAMPLES=200 pytest tests/api/test_openapi_fuzz.py --hypothesis-show-statistics"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from atensi import create_app

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
OPENAPI_3_PARAMETER_LOCATIONS = {"query", "path", "header", "cookie"}
LONG_RUN_EXAMPLES = int(os.environ.get("ATENSI_FUZZ_EXAMPLES", "0"))


def _document() -> dict:
    """The document as served; building the app touches no database."""
    app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True})
    try:
        return app.test_client().get("/api/v1/openapi.json").json
    finally:
        app.extensions["atensi"].db.dispose()


DOCUMENT = _document()


def misdocumented(document: dict) -> list[tuple[str, str]]:
    """Operations with an OpenAPI 2 parameter (a second body, formData): no client can call them as written."""
    return [(method.upper(), path) for path, operations in document["paths"].items()
            for method, operation in operations.items() if method != "parameters"
            for parameter in operation.get("parameters", [])
            if parameter.get("in") not in OPENAPI_3_PARAMETER_LOCATIONS]


def test_every_operation_is_documented_with_openapi_3_request_bodies_and_parameters():
    assert misdocumented(DOCUMENT) == []


def _fuzzable(context) -> bool:
    return (context.operation.method.upper(), context.operation.path) not in set(misdocumented(DOCUMENT))


schema = schemathesis.openapi.from_dict(DOCUMENT).include(_fuzzable)


@pytest.fixture
def seeded(api, staff, deployed):
    """A case with an open task, so that reads find something."""
    api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": {
        "nama": "Contoh", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "P"}})


@schema.parametrize()
@settings(max_examples=LONG_RUN_EXAMPLES or 6, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG_RUN_EXAMPLES)
def test_no_operation_answers_with_a_5xx_or_outside_its_documented_schema(case, app, api, seeded):
    headers = {"Authorization": f"Bearer {api.token('supervisor')}"}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
