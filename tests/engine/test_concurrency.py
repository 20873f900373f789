"""Two workers completing the same task at once: exactly one wins, the others are told it is gone."""
import multiprocessing as mp

import pytest

from engine.cases.runtime import Runtime
from engine.errors import Conflict
from engine.people.access import Actor
from engine.storage.db import make_engine, make_session_factory
from tests.case_driver import CaseDriver, registration, sample_data

WORKERS = 4


def _complete(url, task_id, data, actor_fields, barrier, results):
    runtime = Runtime(make_session_factory(make_engine(url)))
    barrier.wait()
    try:
        runtime.complete_task(task_id, data, Actor(*actor_fields))
        results.put("ok")
    except Conflict as exc:
        results.put(f"conflict: {exc}")
    except Exception as exc:  # reported, so the assertion shows it
        results.put(f"error: {type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_concurrent_completions_of_one_task_give_one_success(database_url, runtime, staff, deployed):
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    task = CaseDriver(runtime, staff, case_id).task("Identifikasi & orientasi")
    data = sample_data({"properties": {"persetujuan_layanan": {"type": "boolean"},
                                       "kondisi_awal": {"type": "string"}},
                        "required": ["persetujuan_layanan", "kondisi_awal"]})
    actor = staff.actor("peksos")
    context = mp.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=_complete, args=(database_url, task.id, data,
                                                          (actor.username, actor.roles, actor.unit_id),
                                                          barrier, results)) for _ in range(WORKERS)]
    for p in processes:
        p.start()
    outcomes = sorted(results.get(timeout=120) for _ in processes)
    for p in processes:
        p.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("conflict: task is no longer available") == WORKERS - 1, outcomes
    assert CaseDriver(runtime, staff, case_id).open_names() == ["Skrining ASSIST"]
