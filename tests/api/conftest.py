"""Fixtures for the HTTP tests: app → client → api (a client that logs in as a named user)."""
from __future__ import annotations

import pytest

from atensi import create_app
from tests.conftest import PASSWORD, QUICK_PASSWORDS, settings_for

API = "/api/v1"
OUTSIDE_API = ("/healthz", "/metrics")


class ApiUser:
    """Requests as one logged-in user: ``api.as_("peksos").get("/tasks")``."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        url = path if path.startswith("/api/") or path in OUTSIDE_API else API + path
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self._call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("DELETE", path, **kwargs)


class Api:
    def __init__(self, client):
        self.client = client
        self._tokens: dict[str, str] = {}

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post(f"{API}/auth/login", json={"username": username, "password": password})

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.login(username)
            assert response.status_code == 200, response.json
            self._tokens[username] = response.json["access_token"]
        return self._tokens[username]

    def as_(self, username: str) -> ApiUser:
        return ApiUser(self.client, self.token(username))

    @property
    def anonymous(self) -> ApiUser:
        return ApiUser(self.client, None)

    def forget_tokens(self) -> None:
        """Tokens expire; after moving the clock far, log in again."""
        self._tokens.clear()


@pytest.fixture
def app(database_url):
    app = create_app({"ATENSI_SETTINGS": settings_for(database_url), "TESTING": True})
    yield app
    app.extensions["atensi"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client, staff):
    return Api(client)


@pytest.fixture
def other_supervisor(staff, session_factory):
    """A supervisor of the other unit: cross-unit probes of supervisor-only endpoints."""
    from engine.people import accounts

    with session_factory() as session:
        accounts.create_user(session, "asing_sup", PASSWORD, ["supervisor"], staff.other_unit_id,
                           passwords=QUICK_PASSWORDS)
        session.commit()
    return "asing_sup"


@pytest.fixture
def regional_coordinator(staff, session_factory):
    """A koordinator wilayah of the first unit (a Balai), over the other unit (an LKS of its region)."""
    from engine.people import accounts
    from engine.storage.models import Unit

    with session_factory() as session:
        session.get(Unit, staff.other_unit_id).parent_unit_id = staff.unit_id
        accounts.create_user(session, "korwil", PASSWORD, ["koordinator_wilayah"], staff.unit_id,
                             passwords=QUICK_PASSWORDS)
        session.commit()
    return "korwil"
