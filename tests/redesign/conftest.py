"""Fixtures for the redesign tests: the ATENSI bundles as files, and a second version of them."""
from __future__ import annotations

import pytest

from engine.config import BPMN_DIR
from engine.definitions.deployments import folder_bundles
from tests.case_driver import CaseDriver, registration
from tests.conftest import settings_for

INTAKE = "atensi_intake.bpmn"


@pytest.fixture
def intake_files() -> dict[str, bytes]:
    return next(b for b in folder_bundles(BPMN_DIR) if INTAKE in b)


@pytest.fixture
def deploy(runtime, staff):
    """deploy(files, note) -> ProcessVersion, as the supervisor."""
    def _deploy(files: dict[str, bytes], note: str = "", actor=None):
        version, _ = runtime.deploy(files, actor or staff.actor("supervisor"), note=note)
        return version
    return _deploy


@pytest.fixture
def start_intake(runtime, staff):
    def _start(**extra) -> CaseDriver:
        case_id = runtime.start_case("atensi_intake", registration(**extra), staff.actor("peksos"))
        return CaseDriver(runtime, staff, case_id)
    return _start


@pytest.fixture
def app(database_url):
    from atensi import create_app

    app = create_app({"ATENSI_SETTINGS": settings_for(database_url), "TESTING": True,
                      "ATENSI_SCENARIOS_IN_PROCESS": True})
    yield app
    app.extensions["atensi"].db.dispose()


@pytest.fixture
def api(app, staff):
    from tests.api.conftest import Api

    return Api(app.test_client())

