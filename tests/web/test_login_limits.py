"""One login limiter for the API and the pages, keyed on the address and the normalised username."""
from __future__ import annotations

from tests.conftest import PASSWORD


def api_login(client, username: str, password: str = "salah-salah"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_spaces_and_capitals_in_the_username_do_not_escape_the_per_user_limit(client, staff):
    for variant in ("peksos", "peksos ", " PEKSOS", "Peksos\t", "peksos  ") * 2:
        assert api_login(client, variant).status_code == 401
    assert api_login(client, " PeKsOs ", PASSWORD).status_code == 429


def test_failures_on_the_pages_count_for_the_api_and_the_other_way_round(client, staff, pages):
    for _ in range(5):
        assert pages.login("peksos", "salah-salah").status_code == 401
    for _ in range(5):
        assert api_login(client, "peksos").status_code == 401
    assert api_login(client, "peksos", PASSWORD).status_code == 429
    assert pages.login("peksos ", PASSWORD).status_code == 429


def test_the_pages_have_the_per_address_limit_shared_with_the_api(app, client, staff, pages):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "6/minute"
    for i in range(3):
        assert api_login(client, f"tebakan{i}").status_code == 401
        assert pages.login(f"coba{i}", "salah-salah").status_code == 401
    assert pages.login("konselor", PASSWORD).status_code == 429


def test_another_address_is_not_held_back(client, staff):
    for _ in range(10):
        api_login(client, "peksos")
    other = client.post("/api/v1/auth/login", json={"username": "peksos", "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200
