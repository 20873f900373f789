"""A token ends at once, on every server process, when its user signs out, changes password, is
deactivated or changes role or unit; and it never outlives its absolute lifetime."""
from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from atensi import create_app
from tests.conftest import PASSWORD, settings_for


@pytest.fixture
def second_process(database_url):
    """Another server process on the same database (like a second gunicorn worker)."""
    app = create_app({"ATENSI_SETTINGS": settings_for(database_url), "TESTING": True})
    yield app.test_client()
    app.extensions["atensi"].db.dispose()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_signing_out_ends_the_token_on_every_process(api, second_process):
    token = api.token("peksos")
    assert second_process.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert api.as_("peksos").post("/auth/logout").status_code == 204
    assert api.as_("peksos").get("/me").status_code == 401
    refused = second_process.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 401 and "ended" in refused.json["detail"]


@pytest.mark.parametrize("change", [{"password": "rahasia-baru-456"}, {"active": False},
                                    {"roles": ["konselor_adiksi"]}])
def test_an_admins_change_ends_the_users_tokens_on_every_process(api, second_process, change):
    token = api.token("peksos")
    assert api.as_("admin").patch("/users/peksos", json=change).status_code == 200
    assert second_process.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_after_a_password_change_the_new_password_gives_a_working_token(api):
    api.token("peksos")
    api.as_("admin").patch("/users/peksos", json={"password": "rahasia-baru-456"})
    assert api.login("peksos", PASSWORD).status_code == 401
    fresh = api.login("peksos", "rahasia-baru-456").json["access_token"]
    assert api.client.get("/api/v1/me", headers=bearer(fresh)).status_code == 200


def test_renaming_a_user_leaves_their_tokens_working(api):
    api.token("peksos")
    assert api.as_("admin").patch("/users/peksos", json={"full_name": "Peksos Baru"}).status_code == 200
    assert api.as_("peksos").get("/me").status_code == 200


def test_signing_out_ends_only_the_callers_tokens(api):
    api.token("konselor")
    api.as_("peksos").post("/auth/logout")
    assert api.as_("konselor").get("/me").status_code == 200


def test_a_token_without_a_session_version_is_refused(app, api):
    with app.app_context():
        from atensi.tokens import signing_key
        old_style = jwt.encode({"sub": "admin", "iss": "atensi", "exp": 4102444800}, signing_key(), algorithm="HS256")
    assert api.client.get("/api/v1/me", headers=bearer(old_style)).status_code == 401


def test_a_token_ends_at_its_absolute_lifetime_however_much_it_is_used(api, clock):
    token = api.token("peksos")
    for _ in range(3):
        clock.shift(timedelta(hours=3, minutes=50))
        assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    clock.shift(timedelta(minutes=31))  # 12 h and a minute after the login
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401
