"""Drives a case through the engine as the right people would: finds the open task by name,
fills its form from the JSON Schema (overridable), and completes it as a holder of its role."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.cases import runtime as runtime_module
from engine.storage.models import Case, HumanTask

USER_FOR_ROLE = {"pekerja_sosial": "peksos", "konselor_adiksi": "konselor", "supervisor": "supervisor"}


def sample_value(name: str, prop: dict):
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "boolean":
        return True
    if kind == "integer" or kind == "number":
        return prop.get("minimum", 0)
    if kind == "array":
        items = prop.get("items", {})
        return [items["enum"][0]] if "enum" in items else ["contoh"]
    if prop.get("format") == "date":
        return date(2026, 1, 5).isoformat()
    return f"isi {name}"


def sample_data(schema: dict | None, **overrides) -> dict:
    schema = schema or {}
    data = {name: sample_value(name, prop)
            for name, prop in schema.get("properties", {}).items() if name in schema.get("required", [])}
    data.update(overrides)
    return data


# a child's identifikasi needs the guardian's consent and identity (bpmn/forms/identifikasi.json)
GUARDIAN = {"persetujuan_wali": True, "nama_wali": "Siti Aminah", "hubungan_wali": "ibu", "kontak_wali": "0812111222"}


def registration(nama="Budi Santoso", nik="3171011501900001", tanggal_lahir="1990-01-15", **extra) -> dict:
    pm = {"nama": nama, "nik": nik, "tanggal_lahir": tanggal_lahir, "jenis_kelamin": "L",
          "alamat": "Jl. Melati 5, Jakarta", "sumber_rujukan": "keluarga", "kontak_keluarga": "0812000000"}
    return {"pm": pm, **extra}


class CaseDriver:
    def __init__(self, runtime, staff, case_id: int):
        self.runtime, self.staff, self.case_id = runtime, staff, case_id

    def case(self) -> Case:
        with self.runtime.session_factory() as session:
            return session.get(Case, self.case_id)

    def open_tasks(self) -> list[HumanTask]:
        with self.runtime.session_factory() as session:
            return list(session.scalars(select(HumanTask).where(
                HumanTask.case_id == self.case_id, HumanTask.status == "open").order_by(HumanTask.created_at)))

    def open_names(self) -> list[str]:
        return sorted(t.name for t in self.open_tasks())

    def task(self, name: str) -> HumanTask:
        matches = [t for t in self.open_tasks() if t.name == name]
        assert matches, f"no open task {name!r}; open: {self.open_names()}"
        return matches[0]

    def complete(self, name: str, as_user: str | None = None, **data) -> HumanTask:
        task = self.task(name)
        with self.runtime.session_factory() as session:
            case = session.get(Case, task.case_id)
            schema = runtime_module.form_schema(session, case.process_version_id, task.form)
        actor = self.staff.actor(as_user or USER_FOR_ROLE[task.role])
        return self.runtime.complete_task(task.id, sample_data(schema, **data), actor)

    def into_intervensi(self, score: int = 15, setting: str | None = "rawat_jalan") -> None:
        """Identifikasi, skrining and (above low risk) asesmen, then an approved plan: the case
        stands at Pelaksanaan intervensi. A low score (no asesmen) takes setting=None."""
        self.complete("Identifikasi & orientasi")
        self.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=score)
        if setting:
            self.complete("Asesmen lanjut", setting=setting)
        self.complete("Rujukan rehabilitasi medis")
        self.complete("Susun rencana intervensi", komponen_atensi=["terapi"])
        self.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
