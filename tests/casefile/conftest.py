"""The case file over a folder of the test's own."""
from __future__ import annotations

import pytest

from engine.casefile import CaseFile
from engine.casefile.blobs import FolderStore
from engine.config import Settings
from tests.case_driver import registration


@pytest.fixture
def store(tmp_path):
    return FolderStore(tmp_path / "documents")


@pytest.fixture
def casefile(session_factory, store):
    return CaseFile.build(session_factory, Settings(document_max_bytes=64 * 1024), store)


@pytest.fixture
def case_id(runtime, staff, deployed):
    return runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
