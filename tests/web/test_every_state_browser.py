"""The case page of the case workers most need to open, in headless Chromium at desktop and phone
width: overdue for a month, escalated, migrated to a redesign, and stopped by an incident."""
from __future__ import annotations

import pytest

from tests.web.conftest import PHONE, screenshot
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_an_escalated_overdue_case_with_an_incident_opens_at_desktop_and_phone_width(browser_page, every_state):
    page = browser_page
    sign_in(page, "supervisor")
    page.goto(f"/cases/{every_state['incident']}")
    page.wait_for_selector("#diagram[data-ready=true]")
    screenshot(page, "case-escalated-incident")
    for viewport in (None, PHONE):
        if viewport:
            page.set_viewport_size(viewport)
            page.reload()
        incident = page.locator("#incidents li")
        assert "Script_hitung_monitoring" in incident.inner_text() and incident.get_by_role("button").is_visible()
        # the incident comes before the alerts, and a month of reminders is folded into the newest one
        assert incident.bounding_box()["y"] < page.locator("#case-alerts").bounding_box()["y"]
        kinds = page.locator("#case-alerts .badge").all_inner_texts()
        assert sorted(kinds) == ["Eskalasi", "Pengingat", "Terlambat"]
        assert "pengingat sebelumnya tidak ditampilkan" in page.locator("#folded-reminders").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], "the page scrolls sideways"
