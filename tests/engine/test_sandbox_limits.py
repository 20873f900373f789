"""Untrusted diagrams cannot stall the server: bounded durations, and scripts with real limits."""
import resource
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import durations
from engine.cases import sandbox_pool
from engine.config import Settings
from engine.errors import DeployError
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Incident
from tests.case_driver import CaseDriver, registration
from tests.engine.test_untrusted_input import SCRIPT_PROCESS, deploy_script


def _with_timer(kind: str, text: str) -> bytes:
    return SCRIPT_PROCESS.replace("SCRIPT_BODY", "").replace(
        '<bpmn:endEvent id="end">',
        f'<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition><bpmn:{kind}>{text}'
        f'</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="end">').encode()


def incident_of(runtime, case_id: int) -> Incident:
    with runtime.session_factory() as session:
        return session.scalars(select(Incident).where(Incident.case_id == case_id)).one()


def test_a_due_time_beyond_a_hundred_years_is_refused_at_deploy_naming_the_task(runtime):
    xml = SCRIPT_PROCESS.replace("SCRIPT_BODY", "").replace('value="P1D"', 'value="P1000000Y"').encode()
    with pytest.raises(DeployError) as err:
        runtime.deploy({"jauh.bpmn": xml}, SYSTEM_ACTOR)
    problem = next(p for p in err.value.problems if "100 years" in p.message)
    assert problem.element_id == "isi" and "P1000000Y" in problem.message


@pytest.mark.parametrize("kind, text", [
    ("timeDuration", '"P999999999Y"'),
    ("timeCycle", '"R/P999999999Y"'),
    ("timeDate", '"9999-01-01T00:00:00+07:00"'),
])
def test_a_timer_beyond_a_hundred_years_is_refused_at_deploy_naming_the_timer(runtime, kind, text):
    with pytest.raises(DeployError) as err:
        runtime.deploy({"timer.bpmn": _with_timer(kind, text)}, SYSTEM_ACTOR)
    problem = next(p for p in err.value.problems if "100 years" in p.message)
    assert problem.element_id == "tunggu" and problem.line is not None


def test_a_hundred_years_is_still_allowed(runtime):
    version, created = runtime.deploy({"timer.bpmn": _with_timer("timeDuration", '"P100Y"')}, SYSTEM_ACTOR)
    assert created and version.version == 1


def test_add_duration_refuses_a_huge_duration_instead_of_walking_it():
    with pytest.raises(ValueError, match="100 years"):
        durations.add_duration(datetime(2026, 1, 5, tzinfo=UTC), "P999999999Y")
    assert durations.add_duration(datetime(2026, 1, 31, tzinfo=UTC), "P1M") == datetime(2026, 3, 3, tzinfo=UTC)


def test_a_script_asking_for_a_huge_duration_becomes_an_incident(runtime, staff):
    deploy_script(runtime, 'akhir = add_duration(now_iso(), "P999999999Y")')
    case_id = runtime.start_case("skrip", registration(), staff.actor("peksos"))
    case = CaseDriver(runtime, staff, case_id)
    runtime.complete_task(case.task("Isi data").id, {}, staff.actor("peksos"))
    incident = incident_of(runtime, case_id)
    assert incident.element_id == "hitung" and "100 years" in incident.message


GATEWAY_PROCESS = SCRIPT_PROCESS.replace(
    '<bpmn:flowNodeRef>end</bpmn:flowNodeRef>',
    '<bpmn:flowNodeRef>end</bpmn:flowNodeRef><bpmn:flowNodeRef>pilih</bpmn:flowNodeRef>'
    '<bpmn:flowNodeRef>lain</bpmn:flowNodeRef>',
).replace(
    '<bpmn:sequenceFlow id="f3" sourceRef="hitung" targetRef="end"/>',
    '<bpmn:sequenceFlow id="f3" sourceRef="hitung" targetRef="pilih"/>'
    '<bpmn:exclusiveGateway id="pilih" default="f5"><bpmn:incoming>f3</bpmn:incoming>'
    '<bpmn:outgoing>f4</bpmn:outgoing><bpmn:outgoing>f5</bpmn:outgoing></bpmn:exclusiveGateway>'
    '<bpmn:sequenceFlow id="f4" sourceRef="pilih" targetRef="end">'
    '<bpmn:conditionExpression>CONDITION</bpmn:conditionExpression></bpmn:sequenceFlow>'
    '<bpmn:sequenceFlow id="f5" sourceRef="pilih" targetRef="lain"/>'
    '<bpmn:endEvent id="lain"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>',
).replace('<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming>',
          '<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming>')


@pytest.fixture
def limits():
    """The product's limits, but a shorter wall clock so that the tests of a breach are quick."""
    pool = sandbox_pool.configure(sandbox_pool.Limits(wall_seconds=1.0, cpu_seconds=1, memory_mib=256, workers=2))
    yield pool.limits
    sandbox_pool.configure()


def run_script_case(runtime, staff, body: str) -> int:
    deploy_script(runtime, body)
    case_id = runtime.start_case("skrip", registration(), staff.actor("peksos"))
    runtime.complete_task(CaseDriver(runtime, staff, case_id).task("Isi data").id, {}, staff.actor("peksos"))
    return case_id


@pytest.mark.parametrize("body", ["x = sum(range(10**10))", "x = len(str(9) * 10**10)", "while True: pass"])
def test_a_runaway_script_becomes_a_time_limit_incident_on_its_element(runtime, staff, limits, body):
    case_id = run_script_case(runtime, staff, body)
    incident = incident_of(runtime, case_id)
    assert incident.element_id == "hitung"
    assert "time limit" in incident.message or "memory limit" in incident.message


def test_a_runaway_gateway_condition_becomes_an_incident_on_the_gateway(runtime, staff, limits):
    xml = GATEWAY_PROCESS.replace("SCRIPT_BODY", "").replace("CONDITION", "sum(range(10**10)) &gt; 0")
    runtime.deploy({"skrip.bpmn": xml.encode()}, SYSTEM_ACTOR)
    case_id = runtime.start_case("skrip", registration(), staff.actor("peksos"))
    runtime.complete_task(CaseDriver(runtime, staff, case_id).task("Isi data").id, {}, staff.actor("peksos"))
    incident = incident_of(runtime, case_id)
    assert incident.element_id == "pilih" and "time limit" in incident.message


def test_a_gateway_condition_still_chooses_its_flow(runtime, staff):
    for condition, end in [("hasil == 1", "end"), ("hasil == 2", "lain"), ("len([i for i in range(3)]) == 3", "end")]:
        xml = GATEWAY_PROCESS.replace("SCRIPT_BODY", "").replace("CONDITION", condition)
        runtime.deploy({"skrip.bpmn": xml.encode()}, SYSTEM_ACTOR)
        case = CaseDriver(runtime, staff, runtime.start_case("skrip", registration(), staff.actor("peksos")))
        runtime.complete_task(case.task("Isi data").id, {}, staff.actor("peksos"))
        assert case.case().status == "completed" and end in case.case().completed_elements


def test_a_script_that_grabs_gigabytes_is_refused_without_the_server_growing(runtime, staff, limits):
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    case_id = run_script_case(runtime, staff, "x = 'x' * 3 * 10**9")
    assert "memory limit" in incident_of(runtime, case_id).message
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 512 * 1024  # the 2.9 GiB of the finding went to a worker, and was refused


def test_the_cpu_limit_holds_inside_a_c_builtin_even_with_a_long_wall_clock(runtime, staff):
    sandbox_pool.configure(sandbox_pool.Limits(wall_seconds=120, cpu_seconds=1, memory_mib=256, workers=1))
    try:
        case_id = run_script_case(runtime, staff, "x = sum(range(10**11))")
    finally:
        sandbox_pool.configure()
    assert "CPU time limit" in incident_of(runtime, case_id).message


@pytest.mark.parametrize("exception", ["SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException"])
def test_a_script_raising_a_base_exception_becomes_an_incident(runtime, staff, exception):
    case_id = run_script_case(runtime, staff, f"raise {exception}('berhenti')")
    incident = incident_of(runtime, case_id)
    assert incident.element_id == "hitung" and exception in incident.message and incident.line == 2


def test_a_script_runs_in_a_worker_with_plain_data_and_its_changes_come_back(runtime, staff):
    body = ("try:\n    jumlah\nexcept NameError:\n    jumlah = 0\nfor i in range(3):\n    jumlah += i\n"
            "daftar = sorted({3, 1, 2})\nkemarin = now_iso()\ndel hasil")
    case = CaseDriver(runtime, staff, run_script_case(runtime, staff, body))
    assert case.case().status == "completed"
    with runtime.session_factory() as session:
        events = session.scalars(select(Incident).where(Incident.case_id == case.case_id)).all()
    assert events == []


def test_a_runaway_script_holds_the_database_no_longer_than_its_limit(runtime, staff, limits):
    deploy_script(runtime, "x = sum(range(10**10))")
    peksos = staff.actor("peksos")
    stuck, other = (runtime.start_case("skrip", registration(), peksos) for _ in range(2))
    other_task = CaseDriver(runtime, staff, other).task("Isi data").id
    runaway = threading.Thread(target=runtime.complete_task,
                               args=(CaseDriver(runtime, staff, stuck).task("Isi data").id, {}, peksos))
    runaway.start()
    time.sleep(0.2)  # the runaway holds its case (on SQLite: the database) now
    started = time.monotonic()
    runtime.claim(other_task, peksos)
    waited = time.monotonic() - started
    runaway.join()
    assert "time limit" in incident_of(runtime, stuck).message
    assert waited < limits.wall_seconds + 5  # not the minutes the sum would take


def test_a_request_waits_for_a_busy_sandbox_no_longer_than_a_script_may_run():
    pool = sandbox_pool.configure(sandbox_pool.Limits(wall_seconds=1.0, cpu_seconds=5, memory_mib=256, workers=1))
    try:
        pool.ready()  # its worker starts here, as before a case's lock
        held = pool._acquire(time.monotonic() + 5)  # the one worker is taken (not by racing a runaway script)
        started = time.monotonic()
        with pytest.raises(sandbox_pool.SandboxFailure, match="busy"):
            sandbox_pool.run("eval", "1 + 1", {}, {}, "")
        assert 1.0 <= time.monotonic() - started < 10
        pool._release(held)
        assert sandbox_pool.run("eval", "sum(range(10))", {}, {}, "")["value"] == 45
    finally:
        sandbox_pool.configure()


def test_a_timer_whose_value_is_computed_beyond_a_hundred_years_becomes_an_incident(runtime, staff):
    xml = SCRIPT_PROCESS.replace("SCRIPT_BODY", 'durasi = "P999999999Y"').replace(
        '<bpmn:sequenceFlow id="f3" sourceRef="hitung" targetRef="end"/>',
        '<bpmn:sequenceFlow id="f3" sourceRef="hitung" targetRef="tunggu"/>'
        '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>durasi</bpmn:timeDuration></bpmn:timerEventDefinition>'
        '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f4" sourceRef="tunggu" targetRef="end"/>',
    ).replace('<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming>',
              '<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming>')
    runtime.deploy({"timer.bpmn": xml.encode()}, SYSTEM_ACTOR)
    case_id = runtime.start_case("skrip", registration(), staff.actor("peksos"))
    runtime.complete_task(CaseDriver(runtime, staff, case_id).task("Isi data").id, {}, staff.actor("peksos"))
    incident = incident_of(runtime, case_id)
    assert incident.element_id == "tunggu" and "100 years" in incident.message


def test_a_script_leaving_more_data_than_a_case_should_hold_becomes_an_incident(runtime, staff):
    case_id = run_script_case(runtime, staff, "x = 'x' * 20 * 1024 * 1024")  # within the memory limit
    assert "MiB of data" in incident_of(runtime, case_id).message


def test_a_server_starts_its_sandbox_with_the_limits_of_its_settings(database_url):
    sandbox_pool.start(Settings(database_url=database_url, sandbox_wall_seconds=1.5, sandbox_workers=1))
    try:
        sandbox_pool.ready()  # as a unit of work does before it takes a case's lock
        with pytest.raises(sandbox_pool.SandboxFailure, match=r"time limit \(1.5 s\)"):
            sandbox_pool.run("eval", "sum(range(10**12))", {}, {}, "")
    finally:
        sandbox_pool.configure()


def test_under_a_case_lock_a_request_never_waits_for_a_worker_start_up():
    """Without ready() first (the unit of work's step before the lock), a cold pool's request gives
    up after the wall clock, instead of waiting for a start-up, and the worker is there for the retry."""
    pool = sandbox_pool.configure(sandbox_pool.Limits(wall_seconds=0.01, cpu_seconds=5, memory_mib=256, workers=1))
    try:
        with pytest.raises(sandbox_pool.SandboxFailure, match="no idle sandbox worker"):
            sandbox_pool.run("eval", "sum(range(10))", {}, {}, "")
        pool.ready()
        assert pool.idle_count() == 1
    finally:
        sandbox_pool.configure()
