"""Fixtures for the redesign tests: the ATENSI bundles as files, a second version of them, and an upgrade
of cases running on an earlier version to the shipped one."""
from __future__ import annotations

import pathlib

import pytest

from engine.cases.migration import CaseMigrations
from engine.config import BPMN_DIR
from engine.definitions.deployments import folder_bundles, named_folder_bundles
from engine.people.access import SYSTEM_ACTOR
from tests.case_driver import CaseDriver, registration
from tests.conftest import settings_for

INTAKE = "atensi_intake.bpmn"
DATA = pathlib.Path(__file__).parent.parent / "data"


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


class Upgrade:
    """A shipped process deployed over an earlier version of it (from tests/data) on which cases already
    run, and the migration of those cases by the supervisor."""

    def __init__(self, runtime, staff, session_factory, process_key: str):
        self.runtime, self.key = runtime, process_key
        self.supervisor = staff.actor("supervisor")
        self.migrations = CaseMigrations(session_factory)

    def shipped(self) -> dict[str, bytes]:
        return dict(named_folder_bundles(BPMN_DIR))[f"{self.key}.bpmn"]

    def deploy_earlier(self, data_file: str, note: str) -> None:
        """The shipped bundle with its process diagram replaced by the earlier one."""
        earlier = (DATA / data_file).read_bytes()
        self.runtime.deploy({**self.shipped(), f"{self.key}.bpmn": earlier}, SYSTEM_ACTOR, note=note)

    def deploy_shipped(self, note: str) -> None:
        self.runtime.deploy(self.shipped(), SYSTEM_ACTOR, note=note)

    def dry_run(self) -> list[tuple[int, str]]:
        """(case id, status) of each running case, in case order."""
        return sorted((c.case_id, c.status) for c in self.migrations.dry_run(self.key, self.supervisor).cases)

    def migrate(self):
        return self.migrations.migrate(self.key, self.supervisor)


@pytest.fixture
def upgrade(runtime, staff, session_factory):
    """upgrade(process_key) -> Upgrade of that process."""
    return lambda process_key: Upgrade(runtime, staff, session_factory, process_key)


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

