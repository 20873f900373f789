"""/metrics is for Prometheus only: its bearer token ATENSI_METRICS_TOKEN, or without one, loopback."""
from __future__ import annotations

import pytest

from atensi import create_app
from tests.conftest import settings_for


@pytest.fixture
def guarded(database_url):
    app = create_app({"ATENSI_SETTINGS": settings_for(database_url, metrics_token="prom-scrape-7f3a"), "TESTING": True})
    yield app.test_client()
    app.extensions["atensi"].db.dispose()


def test_with_a_metrics_token_only_that_token_reads_the_metrics(guarded):
    assert guarded.get("/metrics").status_code == 401
    assert guarded.get("/metrics", headers={"Authorization": "Bearer prom-scrape-7f3"}).status_code == 401
    scraped = guarded.get("/metrics", headers={"Authorization": "Bearer prom-scrape-7f3a"})
    assert scraped.status_code == 200 and b"atensi_http_requests_total" in scraped.data


def test_without_a_metrics_token_only_this_machine_reads_the_metrics(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
