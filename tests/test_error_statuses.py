"""One table maps engine errors to HTTP statuses (atensi.http_status): the API's problem details and
the pages' error pages answer every engine error with the same status."""
from __future__ import annotations

import pytest
from flask import Blueprint

from atensi import create_app
from engine.errors import (
    Conflict,
    DeployError,
    EngineError,
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    ScriptError,
    Unavailable,
)
from web.pages import page_blueprint

pytestmark = pytest.mark.unit
ERRORS = {
    "not_found": (NotFound("no such case"), 404),
    "forbidden": (Forbidden("another unit's case"), 403),
    "conflict": (Conflict("claimed by someone else"), 409),
    "invalid_input": (InvalidInput("bad fields", {"pm.nik": ["16 digits"]}), 422),
    "script_error": (ScriptError("line 2: name 'x' is not defined"), 422),
    "deploy_error": (DeployError([Problem("no start event", "a.bpmn", "Process_1", 3)]), 400),
    "unavailable": (Unavailable("the document store of this server lacks it"), 503),
    "engine_error": (EngineError("something the engine refused"), 400),
}


def _raise(kind: str):
    raise ERRORS[kind][0]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The app with one probe route in the API's error handling and one in a page blueprint."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'unused.db'}", "TESTING": True})
    api_probe = Blueprint("api_probe", __name__, url_prefix="/api/v1/probe")
    api_probe.add_url_rule("/<kind>", "probe", _raise)
    page_probe = page_blueprint("page_probe", __name__, public=True, url_prefix="/probe")
    page_probe.add_url_rule("/<kind>", "probe", _raise)
    app.register_blueprint(api_probe)
    app.register_blueprint(page_probe)
    return app.test_client()


@pytest.mark.parametrize("kind", ERRORS)
def test_an_engine_error_has_the_same_status_from_the_api_and_from_the_pages(client, kind):
    expected = ERRORS[kind][1]
    api = client.get(f"/api/v1/probe/{kind}")
    page = client.get(f"/probe/{kind}")
    assert (api.status_code, page.status_code) == (expected, expected)
    assert api.mimetype == "application/problem+json" and page.mimetype == "text/html"


def test_a_script_error_is_unprocessable_content_not_a_bad_request(client):
    assert client.get("/probe/script_error").status_code == 422
    assert client.get("/api/v1/probe/script_error").get_json()["status"] == 422
