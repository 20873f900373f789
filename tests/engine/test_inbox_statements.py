"""The inbox's statements name the open status as a value, not a parameter: the open-task indexes
are partial (status = 'open', migration 0014), and a prepared statement's plan can use them only
for a value written in it."""
from __future__ import annotations

from engine.read.inbox import TaskFilter
from engine.read.queries import Queries
from engine.vocabulary import INTAKE
from tests.statements import recorded

PM = {"nama": "Budi Santoso", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L",
      "alamat": "Jl. Melati 5", "sumber_rujukan": "keluarga", "kontak_keluarga": "0812000000"}


def test_the_inbox_writes_the_open_status_into_every_statement_it_runs(session_factory, runtime, deployed, staff):
    runtime.start_case(INTAKE, {"pm": PM}, staff.actor("peksos"))
    with recorded(session_factory.kw["bind"]) as statements:
        page = Queries(session_factory).inbox(staff.actor("peksos"), TaskFilter())
    task_statements = [s for s in statements if "FROM human_tasks" in s]
    assert page.total == len(page.items) == 1 and len(task_statements) == 2  # the count, the page
    assert all("human_tasks.status = 'open'" in s for s in task_statements)
