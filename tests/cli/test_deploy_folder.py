"""`atensi deploy FOLDER`: every bundle of a folder of diagrams from other tools, each with only the
DMN files it calls; a refused one is reported and the rest are deployed."""
from __future__ import annotations

import shutil

import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from engine.definitions.deployments import named_folder_bundles
from tests.engine.test_dialects import DIALECTS
from tests.interop import INTEROP


def folder_of_other_tools(tmp_path):
    folder = tmp_path / "diagrams"
    folder.mkdir()
    for name in ("flowable_cuti.bpmn20.xml", "drg_rujukan.bpmn", "drg_risiko.dmn", "induk_rujukan.bpmn",
                 "anak_layanan.bpmn"):
        shutil.copy(DIALECTS / name, folder / name)
    for name in ("spiffarena__lanes.bpmn", "spiffarena__wonderful.dmn"):
        shutil.copy(INTEROP / name, folder / name)
    return folder


def test_a_bundle_gets_only_the_dmn_files_whose_decisions_it_calls(tmp_path):
    bundles = dict(named_folder_bundles(folder_of_other_tools(tmp_path)))
    assert sorted(bundles) == ["anak_layanan.bpmn", "drg_rujukan.bpmn", "flowable_cuti.bpmn20.xml",
                               "induk_rujukan.bpmn", "spiffarena__lanes.bpmn"]
    assert sorted(bundles["drg_rujukan.bpmn"]) == ["drg_risiko.dmn", "drg_rujukan.bpmn"]
    assert sorted(bundles["flowable_cuti.bpmn20.xml"]) == ["flowable_cuti.bpmn20.xml"]


def test_a_bundle_gets_the_files_of_the_processes_it_calls(tmp_path):
    bundles = dict(named_folder_bundles(folder_of_other_tools(tmp_path)))
    assert sorted(bundles["induk_rujukan.bpmn"]) == ["anak_layanan.bpmn", "induk_rujukan.bpmn"]
    assert sorted(bundles["anak_layanan.bpmn"]) == ["anak_layanan.bpmn"]


def test_deploy_reports_each_refused_bundle_deploys_the_rest_and_exits_non_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/atensi.db")
    result = CliRunner().invoke(cli, ["deploy", str(folder_of_other_tools(tmp_path))])
    assert result.exit_code == 1
    assert "permohonanCuti v1 deployed (flowable_cuti.bpmn20.xml)" in result.output
    assert "rujukanRisiko v1 deployed (drg_rujukan.bpmn)" in result.output
    assert "spiffarena__lanes.bpmn: refused" in result.output
    assert "process_initiator: lane 'Process Initiator' is not a known role" in result.output
    assert "indukRujukan v1 deployed (induk_rujukan.bpmn)" in result.output
    assert "1 of 5 bundles refused: spiffarena__lanes.bpmn" in result.output


def test_deploy_for_one_unit_makes_that_units_own_version(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/atensi.db")
    folder = tmp_path / "satu"
    folder.mkdir()
    shutil.copy(DIALECTS / "flowable_cuti.bpmn20.xml", folder)
    runner = CliRunner()
    assert runner.invoke(cli, ["units", "create", "LKS-9", "--name", "LKS Sembilan", "--kind", "lks"]).exit_code == 0
    result = runner.invoke(cli, ["deploy", str(folder), "--unit", "LKS-9"])
    assert result.exit_code == 0, result.output
    assert "permohonanCuti v1 deployed for its unit (flowable_cuti.bpmn20.xml)" in result.output
    engine = sa.create_engine(f"sqlite:///{tmp_path}/atensi.db")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT u.code FROM process_versions v JOIN units u ON u.id = v.unit_id")
                            ).scalars().all() == ["LKS-9"]
    engine.dispose()
    missing = runner.invoke(cli, ["deploy", str(folder), "--unit", "TIDAK-ADA"])
    assert missing.exit_code != 0 and "unit TIDAK-ADA not found" in missing.output
