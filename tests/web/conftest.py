"""Fixtures for the web pages: app → client → pages (a client that signs in through the login form),
and for the browser tests a real server on loopback with headless Chromium (Debian's)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from atensi import create_app
from tests.conftest import PASSWORD, settings_for

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def app(database_url):
    app = create_app({"ATENSI_SETTINGS": settings_for(database_url, secret_key="web-test-secret"), "TESTING": True})
    yield app
    app.extensions["atensi"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token_of(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token field"
    return match.group(1)


class Pages:
    """The web pages through Flask's test client, signed in through the login form."""

    def __init__(self, client):
        self.client = client

    def token(self, path: str = "/login") -> str:
        return csrf_token_of(self.client.get(path).get_data(as_text=True))

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": self.token()})

    def post(self, path: str, data: dict | None = None, token_from: str = "/login", **kwargs):
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token(token_from)}, **kwargs)


@pytest.fixture
def pages(client):
    return Pages(client)


# --- browser tests -------------------------------------------------------------------------------


@pytest.fixture
def live_server(app):
    """The app on a free loopback port, served by waitress in a thread, for one test."""
    from waitress.server import create_server

    from tests.threaded_server import serving

    with serving(create_server(app, host="127.0.0.1", port=0, threads=4)) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser context (no cookies) at desktop size, whose requests may only go to the server."""
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server, locale="id-ID",
                                   timezone_id="Asia/Jakarta")
    context.route(re.compile(r"^(?!" + re.escape(live_server) + r").*"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Desktop and phone screenshots of the page as it is, into test-artifacts/web/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    diagram = page.locator("#diagram").count() > 0  # a diagram fits itself to the width it loads at
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        if diagram:
            page.reload()
            page.wait_for_selector("#diagram[data-ready=true]")
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)
