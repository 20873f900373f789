"""Cases run on diagrams written in other tools' dialects (tests/data/dialects)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.definitions.deployments import named_folder_bundles
from engine.storage.models import Case, HumanTask
from tests.case_driver import registration
from tests.engine.test_dialects import dialect_files
from tests.interop import interop_bytes


def open_tasks(session_factory, case_id: int) -> list[tuple]:
    with session_factory() as session:
        rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "open"))
        return sorted((t.name, t.role, t.assignee) for t in rows)


def test_a_flowable_diagram_runs_its_task_in_the_candidate_group_and_its_quoted_timer_fires(
        runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("flowable_cuti.bpmn20.xml"), staff.actor("supervisor"))
    case_id = runtime.start_case("permohonanCuti", registration(), staff.actor("peksos"))
    assert open_tasks(session_factory, case_id) == [("Tinjau Cuti", "supervisor", None)]
    clock.shift(timedelta(hours=5))
    assert runtime.fire_timers(case_id)
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "completed" and "kedaluwarsa" in case.completed_elements


def complete_only_task(runtime, staff, session_factory, case_id: int, data: dict, username: str) -> None:
    with session_factory() as session:
        (task_id,) = session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                                HumanTask.status == "open")).all()
    runtime.complete_task(task_id, data, staff.actor(username))


def test_a_camunda_juel_condition_routes_and_its_collection_gives_one_task_per_item(
        runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("camunda_anggaran.bpmn"), staff.actor("supervisor"))
    case_id = runtime.start_case("anggaranBantuan", registration(), staff.actor("peksos"))
    data = {"amount": 2500, "darurat": False, "pos": ["makan", "transportasi"]}
    complete_only_task(runtime, staff, session_factory, case_id, data, "peksos")
    assert open_tasks(session_factory, case_id) == [("Setujui Anggaran", "supervisor", None)] * 2


def test_a_small_amount_takes_the_other_juel_branch(runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("camunda_anggaran.bpmn"), staff.actor("supervisor"))
    case_id = runtime.start_case("anggaranBantuan", registration(), staff.actor("peksos"))
    complete_only_task(runtime, staff, session_factory, case_id, {"amount": 500, "darurat": False}, "peksos")
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "completed" and "selesaiKecil" in case.completed_elements


def test_a_zeebe_feel_condition_routes_and_its_input_collection_gives_one_task_per_item(
        runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("zeebe_skrining.bpmn"), staff.actor("supervisor"))
    case_id = runtime.start_case("skriningZeebe", registration(), staff.actor("peksos"))
    assert open_tasks(session_factory, case_id) == [("Skrining", "konselor_adiksi", None)]
    data = {"score": 30, "urgent": False, "layanan": ["medis", "psikososial", "vokasional"]}
    complete_only_task(runtime, staff, session_factory, case_id, data, "konselor")
    assert open_tasks(session_factory, case_id) == [("Rujuk Layanan", "konselor_adiksi", None)] * 3


def test_a_low_zeebe_score_ends_on_the_feel_not_branch(runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("zeebe_skrining.bpmn"), staff.actor("supervisor"))
    case_id = runtime.start_case("skriningZeebe", registration(), staff.actor("peksos"))
    complete_only_task(runtime, staff, session_factory, case_id, {"score": 12, "urgent": False}, "konselor")
    with session_factory() as session:
        assert "selesaiRendah" in session.get(Case, case_id).completed_elements


def test_two_decisions_of_one_dmn_file_run_in_turn_and_route_the_case(runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn"), staff.actor("supervisor"))
    high = runtime.start_case("rujukanRisiko", registration(), staff.actor("peksos"))
    low = runtime.start_case("rujukanRisiko", registration(nik="3174010101900002"), staff.actor("peksos"))
    complete_only_task(runtime, staff, session_factory, high, {"skor": 30}, "peksos")
    complete_only_task(runtime, staff, session_factory, low, {"skor": 10}, "peksos")
    assert open_tasks(session_factory, high) == [("Rujuk Rawat Inap", "konselor_adiksi", None)]
    assert open_tasks(session_factory, low) == [("Atur Rawat Jalan", "konselor_adiksi", None)]


def test_lanes_mapped_to_roles_at_deploy_route_the_tasks_by_those_roles(runtime, staff, session_factory, clock):
    files = {"spiffarena__lanes.bpmn": interop_bytes("spiffarena__lanes.bpmn")}
    runtime.deploy(files, staff.actor("supervisor"),
                   lane_roles={"Process Initiator": "pekerja_sosial", "Finance Team": "supervisor"})
    case_id = runtime.start_case("Process_yhito9d", registration(), staff.actor("peksos"))
    assert [t[1] for t in open_tasks(session_factory, case_id)] == ["pekerja_sosial"]
    complete_only_task(runtime, staff, session_factory, case_id, {}, "peksos")
    assert [t[1] for t in open_tasks(session_factory, case_id)] == ["supervisor"]


def test_a_process_calling_one_from_another_file_of_its_folder_runs_the_called_task(
        runtime, staff, session_factory, clock, tmp_path):
    for name in ("induk_rujukan.bpmn", "anak_layanan.bpmn"):
        (tmp_path / name).write_bytes(dialect_files(name)[name])
    runtime.deploy(dict(named_folder_bundles(tmp_path))["induk_rujukan.bpmn"], staff.actor("supervisor"))
    case_id = runtime.start_case("indukRujukan", registration(), staff.actor("peksos"))
    assert open_tasks(session_factory, case_id) == [("Berikan Layanan", "konselor_adiksi", None)]


INVOICE_DMN = "camunda__invoiceBusinessDecisions.dmn"
INVOICE_PROCESSES = {"camunda_tagihan.bpmn": "klasifikasiTagihan", "camunda_penyetuju.bpmn": "pilihPenyetuju"}
INVOICE_ENDS = ("harian", "anggaran", "luarBiasa", "manajemen", "akuntansiPenjualan", "lain")


def ends_reached(runtime, staff, session_factory, bpmn: str, inputs: list[dict]) -> list[list[str]]:
    """Deploys the BPMN with the Camunda invoice DMN, runs one case per input; the end events each reached."""
    runtime.deploy({**dialect_files(bpmn), INVOICE_DMN: interop_bytes(INVOICE_DMN)}, staff.actor("supervisor"))
    reached = []
    for n, data in enumerate(inputs):
        person = registration(nik=f"317401010190001{n}")
        case_id = runtime.start_case(INVOICE_PROCESSES[bpmn], person, staff.actor("peksos"))
        complete_only_task(runtime, staff, session_factory, case_id, data, "peksos")
        with session_factory() as session:
            case = session.get(Case, case_id)
            assert case.status == "completed"
            reached.append([e for e in case.completed_elements if e in INVOICE_ENDS])
    return reached


def test_a_camunda_feel_decision_table_classifies_amounts_in_each_of_its_ranges(
        runtime, staff, session_factory, clock):
    inputs = [{"amount": a, "invoiceCategory": "Misc"} for a in (100, 250, 1000, 1000.5)]
    inputs.append({"amount": 99999, "invoiceCategory": "Travel Expenses"})  # its amount cell is empty: any
    reached = ends_reached(runtime, staff, session_factory, "camunda_tagihan.bpmn", inputs)
    assert reached == [["harian"], ["anggaran"], ["anggaran"], ["luarBiasa"], ["harian"]]


def test_a_camunda_feel_list_cell_matches_each_of_its_values_in_a_collect_table(
        runtime, staff, session_factory, clock):
    inputs = [{"invoiceClassification": c} for c in ("budget", "exceptional", "day-to-day expense")]
    reached = ends_reached(runtime, staff, session_factory, "camunda_penyetuju.bpmn", inputs)
    assert reached == [["manajemen"], ["manajemen"], ["akuntansiPenjualan"]]
