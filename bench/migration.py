"""Migration and scenario benchmark: how long a dry run and a migration take per running case, and
how long the ATENSI scenarios take with simulated time.

Cases are spread over the intake's first steps (identification to intervention), then version 2
inserts a task after identification and every case is dry-run, migrated and moved back.

Run:  .venv/bin/python bench/migration.py [cases]     (BENCH_DATABASE_URL for PostgreSQL)
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.cases.migration import CaseMigrations  # noqa: E402
from engine.cases.runtime import Runtime, form_schema  # noqa: E402
from engine.config import BPMN_DIR  # noqa: E402
from engine.definitions.deployments import folder_bundles  # noqa: E402
from engine.definitions.scenario_files import fill_form  # noqa: E402
from engine.definitions.scenarios import run_isolated, run_scenarios  # noqa: E402
from engine.people import accounts
from engine.people.access import SYSTEM_ACTOR  # noqa: E402
from engine.storage.db import make_engine, make_session_factory  # noqa: E402
from engine.storage.models import Case, HumanTask  # noqa: E402
from engine.storage.upgrade import upgrade  # noqa: E402
from tests.redesign.bpmn_edit import insert_user_task_after  # noqa: E402

STEPS = [("Identifikasi & orientasi", {"persetujuan_layanan": True, "kondisi_awal": "x"}),
         ("Skrining ASSIST", {"skor_ganja": 15, "zat_utama": "ganja"}),
         ("Asesmen lanjut", {"setting": "rawat_jalan"})]


def database() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    return url


def start_cases(runtime: Runtime, unit_id: int, count: int) -> None:
    for number in range(count):
        case_id = runtime.start_case("atensi_intake", {"pm": {"nama": f"PM {number}", "tanggal_lahir": "1990-01-01"}},
                                     SYSTEM_ACTOR, unit_id)
        for name, data in STEPS[: number % (len(STEPS) + 1)]:
            with runtime.session_factory() as session:
                task = session.query(HumanTask).filter_by(case_id=case_id, status="open", name=name).first()
                version_id = session.get(Case, case_id).process_version_id
                schema = form_schema(session, version_id, task.form)
            runtime.complete_task(task.id, fill_form(schema, data, date.today()), SYSTEM_ACTOR)


def timed(label: str, count: int, action):
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<34} {elapsed * 1000:8.0f} ms  {elapsed * 1000 / max(count, 1):6.2f} ms/case")
    return result


def main(count: int) -> None:
    url = database()
    session_factory = make_session_factory(make_engine(url))
    runtime = Runtime(session_factory)
    with session_factory() as session:
        unit = accounts.create_unit(session, f"BENCH-{time.time_ns()}", "Bench", "balai")
        session.commit()
        unit_id = unit.id
    bundle = next(b for b in folder_bundles(BPMN_DIR) if "atensi_intake.bpmn" in b)
    runtime.deploy(bundle, SYSTEM_ACTOR, "v1")
    start_cases(runtime, unit_id, count)
    edited = insert_user_task_after(bundle["atensi_intake.bpmn"], "Task_identifikasi", "Task_bench",
                                    "Verifikasi dokumen", "Lane_pekerja_sosial")
    target, _ = runtime.deploy({**bundle, "atensi_intake.bpmn": edited}, SYSTEM_ACTOR, "v2")
    migrations = CaseMigrations(session_factory)
    print(f"{count} running cases on {url.split(':')[0]}")
    plan = timed("dry run", count, lambda: migrations.dry_run("atensi_intake", SYSTEM_ACTOR,
                                                               to_version=target.version))
    report = timed("migrate (one transaction per case)", count,
                   lambda: migrations.migrate("atensi_intake", SYSTEM_ACTOR, to_version=target.version))
    print(f"  movable {plan.count('movable')}, migrated {report.count('migrated')}, blocked {report.count('blocked')}")
    timed("undo", count, lambda: migrations.undo(report.migration_id, SYSTEM_ACTOR))
    for name, runner in (("scenarios in process", run_scenarios), ("scenarios in a child process", run_isolated)):
        bundles = folder_bundles(BPMN_DIR)
        for files in bundles:
            started = time.perf_counter()
            run = runner(files, None, tuple(b for b in bundles if b is not files))  # companions: linked cases
            days = sum(r.simulated_days for r in run.results)
            print(f"{name:<30} {run.process_key:<14} {len(run.results)} scenarios, {days:6.0f} simulated days, "
                  f"{(time.perf_counter() - started) * 1000:6.0f} ms, passed={run.passed}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
