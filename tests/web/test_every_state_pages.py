"""Every page, rendered for a case in each state the engine and the scheduler produce
(tests/every_state.py), for every role of the unit: 200 (or the 403 the role gets), and the page
shows what sets the state apart."""
from __future__ import annotations

import html
import re

from engine.cases.numbers import case_number
from tests.every_state import NAMES

ROLES = ("peksos", "konselor", "supervisor", "admin")
SUPERVISING = ("supervisor", "admin")
LIST_PAGES = ("/inbox", "/cases", "/cases?status=completed", "/dashboard", "/editor", "/cases/export.csv")


def text_of(response) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def case_page_marks(world) -> dict[str, tuple[list[str], list[str]]]:
    """state -> (what its case page must say, what it must not say)."""
    return {
        "overdue": (["terlambat 2 jam"], ["Tugas terlambat:", "Pengingat ke-"]),
        "alerted": (["Tugas terlambat:", NAMES["alerted"]], ["Pengingat ke-", "Eskalasi ke supervisor"]),
        "reminded": (["Pengingat ke-1:"], ["Pengingat ke-2:", "Eskalasi ke supervisor"]),
        "escalated": (["Eskalasi ke supervisor", "Pengingat ke-2:"], []),
        "incident": (["Insiden", "Script_hitung_monitoring", "name 'jumlah_monitoring' is not defined",
                      "Pelaksanaan intervensi", "Eskalasi ke supervisor",
                      "pengingat sebelumnya tidak ditampilkan"], ["Pengingat ke-1:"]),  # only the newest
        "migrated": (["Layanan ATENSI v2", "versi 1 → versi 2"], []),
        "parent": ([f"Respon kasus {case_number(world['child'])}", "Pesan diterima: krisis"], []),
        "child": ([f"Berasal dari {case_number(world['parent'])}", "Kedaruratan (triase)",
                   "Eskalasi: kedaruratan terlambat"], []),
        "finished": (["Selesai", "Tidak ada tugas terbuka", "Kasus ditutup"], ["Laporkan krisis"]),
        "terminating": (["Tahap: Terminasi", "Laporan terminasi", "Eskalasi ke supervisor"], ["Usulkan terminasi"]),
        # a suspended or closed case offers no action: none could be taken
        "suspended": (["Ditangguhkan", "Tidak ada tugas terbuka"], [*ACTIONS]),
        "closed": (["Selesai", "Tidak ada tugas terbuka"], [*ACTIONS, "Persetujuan masih diperlukan"]),
    }


ACTIONS = ("Catat koordinasi", "Laporkan krisis", "Usulkan terminasi")


def expected_status(username: str, path: str) -> int:
    return 403 if path == "/dashboard" and username not in SUPERVISING else 200


def test_every_page_answers_every_role_for_a_case_in_each_state(every_state, client, pages):
    for username in ROLES:
        pages.login(username)
        for path in (*LIST_PAGES, *(f"/tasks/{task_id}" for task_id in every_state.tasks.values())):
            assert client.get(path).status_code == expected_status(username, path), (username, path)
        for state, (says, never) in case_page_marks(every_state).items():
            response = client.get(f"/cases/{every_state[state]}")
            if state == "suspended" and username not in SUPERVISING:  # only those who can close it read it
                assert response.status_code == 403, username
                continue
            assert response.status_code == 200, (username, state)
            page = text_of(response)
            assert [s for s in says if s not in page] == [], (username, state)
            assert [s for s in never if s in page] == [], (username, state)
        retry = "Coba lagi" in text_of(client.get(f"/cases/{every_state['incident']}"))
        assert retry == (username in SUPERVISING), username
        pages.post("/logout", token_from="/inbox")


def test_the_lists_show_each_states_case_with_its_status(every_state, client, pages):
    pages.login("supervisor")
    cases, export = text_of(client.get("/cases")), client.get("/cases/export.csv").get_data(as_text=True)
    for name in NAMES.values():
        assert name in cases and name in export, name
    assert re.search(rf"{NAMES['incident']} .* Insiden ", cases) and f"{NAMES['incident']}," in export
    assert re.search(rf"{NAMES['finished']} .* Selesai ", cases)
    assert re.search(rf"{NAMES['finished']},[*0-9]+,Dewasa,Bimbingan lanjut,Rendah,Selesai,", export)
    assert f"{NAMES['parent']} Dewasa Respon kasus" in cases  # the child case is marked as a case response
    assert "Eskalasi ke supervisor" in text_of(client.get("/inbox"))
    dashboard = text_of(client.get("/dashboard"))
    assert "10 kasus aktif" in dashboard  # every state but the finished, the suspended and the closed case
    pages.post("/logout", token_from="/inbox")
    pages.login("peksos")
    inbox = text_of(client.get("/inbox?overdue=1"))
    for state in ("overdue", "alerted", "reminded", "escalated", "incident", "migrated"):
        assert NAMES[state] in inbox, state
    assert NAMES["finished"] not in inbox
