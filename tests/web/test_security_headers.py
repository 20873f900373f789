"""Security headers on every response (API, docs, pages, editor, assets, health, metrics), and the
Swagger UI docs page still working offline under the Content-Security-Policy."""
from __future__ import annotations

import pytest

PATHS = ["/api/v1/docs", "/api/v1/openapi.json", "/api/v1/docs/assets/swagger-ui-bundle.js", "/api/v1/me",
         "/api/v1/cases/1", "/healthz", "/metrics", "/login", "/inbox", "/editor/", "/no-such-page"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_docs_page_has_no_inline_script(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert page.count("<script") == page.count("<script src=") == 3


@pytest.mark.browser
def test_swagger_ui_runs_offline_under_the_policy(browser_page):
    refused = []
    browser_page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
    browser_page.goto("/api/v1/docs")
    browser_page.wait_for_selector(".swagger-ui .info .title")
    assert "ATENSI API" in browser_page.inner_text(".swagger-ui .info .title")
    assert browser_page.locator(".opblock").count() > 20 and refused == []
