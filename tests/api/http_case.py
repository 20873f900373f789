"""Drives a case over HTTP as the right people would: finds the open task by name in the inbox,
reads its JSON Schema form, fills it (overridable) and completes it as a holder of its role."""
from __future__ import annotations

from tests.case_driver import USER_FOR_ROLE, sample_data


def pm(nama="Budi Santoso", nik="3171011501900001", tanggal_lahir="1990-01-15", **extra) -> dict:
    return {"nama": nama, "nik": nik, "tanggal_lahir": tanggal_lahir, "jenis_kelamin": "L",
            "alamat": "Jl. Melati 5, Jakarta", "sumber_rujukan": "keluarga", "kontak_keluarga": "0812000000",
            **extra}


class HttpCase:
    def __init__(self, api, case_id: int, viewer: str = "supervisor"):
        self.api, self.case_id, self.viewer = api, case_id, viewer

    def detail(self) -> dict:
        response = self.api.as_(self.viewer).get(f"/cases/{self.case_id}")
        assert response.status_code == 200, response.json
        return response.json

    def open_tasks(self) -> list[dict]:
        response = self.api.as_(self.viewer).get(f"/tasks?case={self.case_id}&sort=created")
        assert response.status_code == 200, response.json
        return response.json["items"]

    def open_names(self) -> list[str]:
        return sorted(t["name"] for t in self.open_tasks())

    def task(self, name: str) -> dict:
        matches = [t for t in self.open_tasks() if t["name"] == name]
        assert matches, f"no open task {name!r}; open: {self.open_names()}"
        return matches[0]

    def complete(self, name: str, as_user: str | None = None, **data) -> dict:
        task = self.task(name)
        user = as_user or USER_FOR_ROLE[task["role"]]
        detail = self.api.as_(user).get(f"/tasks/{task['id']}").json
        response = self.api.as_(user).post(f"/tasks/{task['id']}/complete",
                                           json={"data": sample_data(detail["form_schema"], **data)})
        assert response.status_code == 200, (name, response.json)
        assert response.json["status"] == "completed" and response.json["completed_by"] == user
        return response.json
