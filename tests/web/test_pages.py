"""The pages through Flask's test client: sign-in, CSRF, cookie flags, and each page rendering."""
from __future__ import annotations

from tests.case_driver import CaseDriver, registration


def test_a_page_needs_a_login_and_sends_you_back_after_it(client, staff, pages):
    response = client.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/inbox")
    assert pages.login("peksos").status_code == 302
    assert client.get("/inbox").status_code == 200


def test_a_post_without_the_csrf_token_is_refused(client, staff, pages):
    assert client.post("/login", data={"username": "peksos", "password": "x"}).status_code == 400
    pages.login("peksos")
    response = client.post("/cases/new", data={"nama": "Budi"})
    assert response.status_code == 400
    assert "text/html" in response.content_type


def test_the_session_cookie_is_httponly_and_samesite_lax(client, staff, pages):
    response = pages.login("peksos")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("atensi_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_pages_render(client, staff, deployed, pages, runtime):
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    CaseDriver(runtime, staff, case_id)
    pages.login("supervisor")
    for path in ("/inbox", "/cases", f"/cases/{case_id}", "/cases/new", "/dashboard", "/cases/export.csv"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:2000])
