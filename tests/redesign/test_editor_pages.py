"""The editor's page shells: served from the package, no third-party origin allowed."""
from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD


@pytest.mark.parametrize("path", ["/editor", "/editor/new", "/editor/atensi_intake", "/editor/atensi_intake/3"])
def test_each_editor_page_is_a_shell_that_loads_only_local_assets(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(re.match(r"^(/(?!/)|data:|#)", s) for s in sources), sources  # same origin
    assert "<script>" not in html  # no inline script: the policy would refuse it


def test_the_page_carries_the_process_and_version_for_its_script(app):
    html = app.test_client().get("/editor/atensi_intake/3?lang=en").get_data(as_text=True)
    assert 'data-mode="edit" data-key="atensi_intake" data-version="3" data-lang="en"' in html


def test_the_modeler_bundle_and_the_editor_scripts_are_served(app):
    client = app.test_client()
    for asset in ("build/atensi-modeler.js", "build/atensi-modeler.css", "js/editor.js", "css/editor.css"):
        response = client.get(f"/editor/assets/{asset}")
        assert response.status_code == 200, asset
        response.close()


def test_a_key_with_odd_characters_is_not_found(app):
    assert app.test_client().get("/editor/ab%3Cscript%3E").status_code == 404


def test_without_a_web_session_the_editor_asks_for_its_own_login(app):
    assert app.test_client().post("/editor/session-token").status_code == 401


def test_a_user_signed_in_to_the_web_pages_gets_a_bearer_token_for_the_editor(app, staff):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "supervisor", "password": PASSWORD})
    answer = client.post("/editor/session-token")
    assert answer.status_code == 200 and answer.json["user"]["roles"] == ["supervisor"]
    definitions = client.get("/api/v1/process-definitions",
                             headers={"Authorization": f"Bearer {answer.json['access_token']}"})
    assert definitions.status_code == 200
