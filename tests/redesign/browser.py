"""Driving the editor page in headless Chromium: a live app on a loopback port and page helpers."""
from __future__ import annotations

import threading
from pathlib import Path

from werkzeug.serving import make_server

from tests.conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "editor"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class LiveServer:
    """The whole app (API and editor pages) served from a thread, as `atensi serve` would."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


class EditorPage:
    """One browser page on the editor, logged in as a user."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message) -> None:
        # An HTTP error answer is logged by the browser itself; the page shows it, so it is no fault.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def open(self, path: str, username: str = "supervisor", wait: bool = True) -> EditorPage:
        self.page.goto(self.base_url + path)
        if self.page.is_visible("#ed-login"):
            self.page.fill("#ed-username", username)
            self.page.fill("#ed-password", PASSWORD)
            self.page.click("#ed-login-form button[type=submit]")
        if wait:
            self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        return self

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def select(self, element_id: str) -> None:
        self.page.click(f'#ed-canvas .djs-element[data-element-id="{element_id}"]')
        self.page.wait_for_selector('[data-group-id="group-atensi"]')

    def type_field(self, entry_id: str, text: str) -> None:
        selector = f"#bio-properties-panel-{entry_id}"
        self.page.fill(selector, text)
        self.page.locator(selector).blur()

    def screen_point(self, x: float, y: float) -> dict:
        """Where diagram point (x, y) is on the screen."""
        return self.page.evaluate("""([x, y]) => {
            const canvas = editor.modeler.get('canvas'), box = canvas.viewbox();
            const rect = canvas.getContainer().getBoundingClientRect();
            return {x: rect.left + (x - box.x) * box.scale, y: rect.top + (y - box.y) * box.scale}; }""", [x, y])

    def status(self) -> str:
        return self.page.inner_text("#ed-status")

    def tab(self, name: str) -> None:
        self.page.click(f'[data-tab="{name}"]')

    def markers(self, element_id: str) -> str:
        return self.page.get_attribute(f'#ed-canvas .djs-element[data-element-id="{element_id}"]', "class") or ""
