"""A page sign-in ends at once when its user signs out anywhere, changes password, is deactivated
or changes role; and it ends at its absolute lifetime however active it is."""
from __future__ import annotations

from datetime import timedelta


def test_signing_out_of_the_api_ends_the_web_session(client, staff, pages):
    pages.login("peksos")
    token = client.post("/api/v1/auth/login", json={"username": "peksos", "password": "rahasia-demo-123"}).json
    assert client.get("/inbox").status_code == 200
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert client.get("/inbox").status_code == 302


def test_signing_out_of_the_pages_ends_the_users_tokens(client, staff, pages):
    token = client.post("/api/v1/auth/login", json={"username": "peksos", "password": "rahasia-demo-123"}).json
    pages.login("peksos")
    pages.post("/logout", token_from="/inbox")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 401


def test_a_role_change_signs_the_user_out_of_the_pages(app, client, staff, pages):
    pages.login("peksos")
    app.extensions["atensi"].directory.update_user(staff.actor("admin"), "peksos", roles=["konselor_adiksi"])
    assert client.get("/inbox").status_code == 302


def test_a_password_change_signs_the_user_out_of_the_pages(app, client, staff, pages):
    pages.login("peksos")
    app.extensions["atensi"].directory.update_user(staff.actor("admin"), "peksos", password="rahasia-baru-456")
    assert client.get("/inbox").status_code == 302


def test_a_web_session_ends_at_its_absolute_lifetime_however_active(client, staff, pages, clock):
    pages.login("peksos")
    for _ in range(5):
        clock.shift(timedelta(hours=2))
        assert client.get("/inbox").status_code == 200
    clock.shift(timedelta(hours=2, minutes=1))
    assert client.get("/inbox").status_code == 302
