"""The editor page in headless Chromium (Debian's): redesign, validate, deploy, diff, migrate."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.storage.models import Case, HumanTask
from tests.api.conftest import Api
from tests.api.http_case import pm
from tests.conftest import PASSWORD, settings_for
from tests.engine.test_archives import zipped
from tests.interop import interop, interop_bytes
from tests.redesign import bpmn_edit
from tests.redesign.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, EditorPage, LiveServer
from tests.redesign.conftest import INTAKE

pytestmark = pytest.mark.browser
KEY = "atensi_intake"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(database_url):
    from atensi import create_app

    app = create_app({"ATENSI_SETTINGS": settings_for(database_url)})
    with LiveServer(app) as server:
        server.api = Api(app.test_client())
        yield server
    app.extensions["atensi"].db.dispose()


@pytest.fixture
def editor(browser, live, staff):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = EditorPage(context.new_page(), live.url)
    yield page
    assert not page.problems, page.problems
    outside = [url for url in page.requests if not url.startswith((live.url, "data:", "blob:"))]
    assert outside == [], "the editor must load nothing from the internet"
    context.close()


def start_case(live, staff) -> int:
    """A case of a new PM each time (the same NIK twice would be a duplicate to confirm)."""
    start_case.count = getattr(start_case, "count", 0) + 1
    person = pm(nama=f"Budi Santoso {start_case.count}", nik=f"31710115019{start_case.count:05d}")
    response = live.api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": person})
    assert response.status_code == 201, response.json
    return response.json["id"]


def complete_first(live, case_id: int, data: dict) -> None:
    inbox = live.api.as_("peksos").get(f"/tasks?case={case_id}").json["items"]
    response = live.api.as_("peksos").post(f"/tasks/{inbox[0]['id']}/complete", json={"data": data})
    assert response.status_code == 200, response.json


def test_a_supervisor_changes_a_due_time_adds_a_task_in_a_lane_and_new_cases_run_it(
        editor, live, staff, deployed, session_factory):
    old_case = start_case(live, staff)
    editor.open(f"/editor/{KEY}")
    assert editor.page.is_visible("#ed-canvas .bjs-powered-by")  # the bpmn.io watermark stays
    editor.shot("1-opened")

    editor.select("Task_identifikasi")
    editor.type_field("atensi-dueIn", "P5D")

    # A new task dropped from the palette onto the flow out of Identifikasi (the middle of its longest
    # segment, wherever the layout draws it), in the Pekerja Sosial lane.
    point = editor.screen_point(*editor.page.evaluate("""() => {
        const flow = editor.modeler.get('elementRegistry').filter(
            e => e.type === 'bpmn:SequenceFlow' && e.source && e.source.id === 'Task_identifikasi')[0];
        const w = flow.waypoints, segments = w.slice(1).map((p, i) => [w[i], p]);
        const length = ([a, b]) => Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
        const [a, b] = segments.reduce((best, s) => length(s) > length(best) ? s : best);
        return [(a.x + b.x) / 2, (a.y + b.y) / 2]; }"""))
    editor.page.click('.djs-palette [data-action="create.task"]')
    editor.page.mouse.move(point["x"] - 40, point["y"] - 40)
    editor.page.mouse.move(point["x"], point["y"], steps=5)
    editor.page.mouse.click(point["x"], point["y"])
    editor.page.click('.djs-context-pad [data-action="replace"]')
    editor.page.click('.djs-popup [data-id="replace-with-user-task"]')
    editor.page.wait_for_selector('#bio-properties-panel-atensi-form')
    editor.type_field("name", "Verifikasi dokumen")
    editor.page.select_option("#bio-properties-panel-atensi-form", "identifikasi.json")
    editor.type_field("atensi-dueIn", "P2D")
    new_task = editor.page.evaluate("editor.modeler.get('selection').get()[0].id")
    assert editor.page.input_value("#bio-properties-panel-atensi-role") == "pekerja_sosial"
    editor.shot("2-task-added")

    editor.page.click("#ed-validate")
    editor.page.wait_for_selector("#ed-problems-empty:has-text('Tidak ada masalah')")
    editor.page.click("#ed-deploy")
    editor.page.fill("#ed-deploy-note", "Verifikasi dokumen setelah identifikasi; identifikasi 5 hari")
    editor.page.click("#ed-deploy-confirm")
    # The shipped scenarios do not know the new step: the deploy is refused until overridden.
    editor.page.wait_for_selector("#ed-override-row:not([hidden])", timeout=60_000)
    assert "lulus" in editor.page.inner_text("#ed-deploy-scenarios")
    editor.shot("3-scenarios-refuse-deploy")
    editor.page.check("#ed-override")
    editor.page.click("#ed-deploy-confirm")
    editor.page.wait_for_selector("body[data-ready=true] #ed-version-badge:has-text('v2')", timeout=60_000)
    assert "Versi 2 dipasang" in editor.status()
    editor.tab("history")
    row = editor.page.inner_text('#ed-history tr[data-version="2"]')
    assert "supervisor" in row and "Verifikasi dokumen setelah identifikasi" in row
    editor.shot("4-deployed-history")

    new_case = start_case(live, staff)
    complete_first(live, new_case, {"persetujuan_layanan": True, "kondisi_awal": "stabil"})
    inbox = live.api.as_("peksos").get(f"/tasks?case={new_case}").json["items"]
    assert [t["name"] for t in inbox] == ["Verifikasi dokumen"]
    complete_first(live, old_case, {"persetujuan_layanan": True, "kondisi_awal": "stabil"})
    assert [t["name"] for t in live.api.as_("konselor").get(f"/tasks?case={old_case}").json["items"]] == [
        "Skrining ASSIST"]  # the old case keeps its version
    with session_factory() as session:
        versions = {c.id: c.version.version for c in session.scalars(select(Case))}
        due = session.scalars(select(HumanTask).where(HumanTask.case_id == new_case,
                                                      HumanTask.element_id == "Task_identifikasi")).one()
    assert versions == {old_case: 1, new_case: 2}
    assert (due.due_at - due.created_at).days == 5
    assert new_task.startswith("Activity_")


def test_an_invalid_edit_shows_its_error_on_the_element(editor, live, staff, deployed):
    editor.open(f"/editor/{KEY}")
    editor.select("Task_skrining")
    editor.type_field("atensi-dueIn", "tiga hari")
    editor.page.click("#ed-validate")
    editor.page.wait_for_selector('#ed-problems li[data-element-id="Task_skrining"]')
    assert "atensi-error" in editor.markers("Task_skrining")
    assert "atensi-error" not in editor.markers("Task_identifikasi")
    overlay = editor.page.locator(".djs-overlays[data-container-id='Task_skrining'] .atensi-error-message")
    assert "bukan durasi" in overlay.inner_text()  # the lint's message in the page's language
    assert "bukan durasi" in editor.page.inner_text('#ed-problems li[data-element-id="Task_skrining"]')
    editor.shot("5-invalid-due")


def test_a_diff_of_two_versions_lists_and_highlights_the_changes(editor, live, staff, deployed, intake_files):
    edited = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_identifikasi", "Task_verifikasi",
                                              "Verifikasi dokumen", "Lane_pekerja_sosial")
    edited = bpmn_edit.set_property(edited, "Task_identifikasi", "dueIn", "P5D")
    response = live.api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json={
        "files": {INTAKE: edited.decode()}, "note": "v2", "override_scenarios": True})
    assert response.status_code == 201, response.json
    editor.open(f"/editor/{KEY}")
    editor.tab("diff")
    editor.page.click("#ed-diff-form button[type=submit]")
    editor.page.wait_for_selector('#ed-diff li[data-element-id="Task_verifikasi"]')
    changed = editor.page.inner_text('#ed-diff li[data-element-id="Task_identifikasi"]')
    assert "Tenggat: 3 hari → 5 hari" in changed and "(tugas pengguna)" in changed
    assert "atensi-added" in editor.markers("Task_verifikasi")
    assert "atensi-changed" in editor.markers("Task_identifikasi")
    assert "atensi-changed" not in editor.markers("Task_skrining")
    editor.shot("6-diff")

    editor.open(f"/editor/{KEY}/1")
    assert editor.page.is_visible("#ed-readonly") and not editor.page.is_visible("#ed-canvas .djs-palette")
    assert editor.page.is_disabled("#ed-deploy")
    editor.shot("7-old-version-read-only")


def test_a_migration_dry_run_then_migration_from_the_editor(editor, live, staff, deployed, intake_files):
    case_id = start_case(live, staff)
    edited = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_identifikasi", "Task_verifikasi",
                                              "Verifikasi dokumen", "Lane_pekerja_sosial")
    live.api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json={
        "files": {INTAKE: edited.decode()}, "note": "v2", "override_scenarios": True})
    editor.open(f"/editor/{KEY}")
    editor.tab("migration")
    editor.page.click("#ed-migration-form button[type=submit]")
    editor.page.wait_for_selector(f'#ed-migration tr[data-case-id="{case_id}"]')
    assert "bisa pindah" in editor.page.inner_text(f'#ed-migration tr[data-case-id="{case_id}"]')
    editor.shot("8-migration-dry-run")
    editor.page.click("#ed-mig-apply")
    editor.page.wait_for_selector(f'#ed-migration tr.migrated[data-case-id="{case_id}"]')
    assert live.api.as_("supervisor").get(f"/cases/{case_id}").json["version"] == 2
    editor.shot("9-migrated")
    editor.page.click("#ed-mig-undo")
    editor.page.wait_for_selector(f'#ed-migration tr.undone[data-case-id="{case_id}"]')
    assert live.api.as_("supervisor").get(f"/cases/{case_id}").json["version"] == 1


def test_the_form_editor_previews_the_schema_as_it_is_edited(editor, live, staff, deployed):
    editor.open(f"/editor/{KEY}")
    editor.select("Task_skrining")
    editor.tab("forms")
    assert editor.page.input_value("#ed-form-select") == "skrining.json"
    assert editor.page.is_visible("#ed-form-preview #pv-skor_ganja")
    text = editor.page.input_value("#ed-form-json").replace('"Skor Ganja (kanabis)"', '"Skor ganja total"')
    editor.page.fill("#ed-form-json", text)
    editor.page.wait_for_selector("#ed-form-preview label[for=pv-skor_ganja]:has-text('Skor ganja total')")
    editor.page.fill("#ed-form-json", text + "}")
    editor.page.wait_for_selector("#ed-form-error:has-text('JSON tidak valid')")
    editor.page.fill("#ed-form-json", text)
    editor.page.click("#ed-form-apply")
    assert "skrining.json" in editor.status()
    editor.page.click("#ed-draft-diff")
    editor.page.wait_for_selector('#ed-diff li[data-element-id="Task_skrining"]')
    assert "Isi formulir" in editor.page.inner_text('#ed-diff li[data-element-id="Task_skrining"]')
    editor.shot("10-form-editor")


def test_a_file_from_another_tool_opens_and_validation_names_its_elements(editor, live, staff, deployed, tmp_path):
    upload = tmp_path / "miwg__C.1.0.bpmn"
    upload.write_bytes(interop_bytes("miwg__C.1.0.bpmn"))  # Signavio, ISO-8859-1 declared... and UTF-8 text
    editor.open("/editor/new", wait=False)
    editor.page.fill("#ed-new-key", "proses_baru")
    editor.page.click("#ed-new-form button[type=submit]")
    editor.page.wait_for_selector("body[data-ready=true]")
    editor.page.set_input_files("#ed-import", str(upload))
    editor.page.wait_for_selector("#ed-status:has-text('diimpor')")
    assert editor.page.inner_text("#ed-process") == "bpmn-miwg-test-case-c.1.0"
    assert "Rechnung klären" in editor.page.inner_text("#ed-canvas")
    editor.page.click("#ed-validate")
    editor.page.wait_for_selector('#ed-problems li[data-element-id="Approver"]')
    problem = editor.page.inner_text('#ed-problems li[data-element-id="Approver"]')
    assert "bukan peran yang dikenal" in problem  # the lint in the page's language
    assert "atensi-error" in editor.markers("archiveInvoice")
    editor.shot("11-imported-signavio")


def test_the_editor_speaks_english_when_asked(editor, live, staff, deployed):
    editor.open(f"/editor/{KEY}?lang=en")
    assert editor.page.inner_text("#ed-validate") == "Validate"
    assert editor.page.inner_text('[data-group-id="group-general"] .bio-properties-panel-group-header').startswith(
        "General")
    editor.select("Task_skrining")
    assert "Due in" in editor.page.inner_text('[data-group-id="group-atensi"]')
    editor.shot("12-english")
    editor.tab("tables")  # the decision tables' durations read in English too
    assert editor.page.input_value('input[data-rule="Rule_rawat_inap"] >> nth=0') == "4 months"
    assert editor.page.input_value('input[data-rule="Rule_rawat_inap"] >> nth=2') == "every 1 month, 4 times"
    assert "Decision tables" in editor.page.inner_text('[data-tab="tables"]')
    with editor.page.expect_navigation():
        editor.page.click('[data-lang-choice="id"]')
    editor.page.wait_for_selector("html[lang=id] body[data-ready=true]", timeout=30_000)
    assert editor.page.inner_text("#ed-validate") == "Validasi"


def test_a_user_signed_in_on_the_web_pages_opens_the_editor_without_a_second_login(editor, live, staff, deployed):
    page = editor.page
    page.goto(live.url + "/login")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click('form[action$="/login"] button[type=submit]')
    page.goto(live.url + f"/editor/{KEY}")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert not page.is_visible("#ed-login")
    assert page.inner_text("#ed-user") == "supervisor"


def test_lanes_that_are_not_roles_are_mapped_in_a_form_after_import_and_the_diagram_keeps_it(
        editor, live, staff, deployed, tmp_path, session_factory):
    upload = tmp_path / "spiffarena__lanes.bpmn"
    upload.write_bytes(interop_bytes("spiffarena__lanes.bpmn"))
    editor.open("/editor/new", wait=False)
    editor.page.fill("#ed-new-key", "proses_lajur")
    editor.page.click("#ed-new-form button[type=submit]")
    editor.page.wait_for_selector("body[data-ready=true]")
    editor.page.set_input_files("#ed-import", str(upload))
    form = editor.page.wait_for_selector("#ed-lanes:not([hidden])")
    assert "Petakan lajur ke peran" in form.inner_text()
    assert [s.get_attribute("aria-label") for s in form.query_selector_all("select")] == [
        "Process Initiator", "Finance Team"]
    editor.page.click("#ed-deploy")  # a deploy before the mapping is refused and points back to the form
    editor.page.fill("#ed-deploy-note", "belum dipetakan")
    editor.page.click("#ed-deploy-confirm")
    editor.page.wait_for_selector("#ed-deploy-dialog", state="hidden")
    assert editor.page.is_visible("#ed-lanes")
    editor.page.select_option('#ed-lanes select[data-lane="process_initiator"]', "pekerja_sosial")
    editor.page.select_option('#ed-lanes select[data-lane="finance_team"]', "supervisor")
    editor.shot("13-lane-mapping")
    editor.page.click("#ed-lanes button[type=submit]")
    editor.page.wait_for_selector("#ed-lanes[hidden]", state="attached")
    editor.page.wait_for_selector("#ed-problems-empty:has-text('Tidak ada masalah')")
    xml = editor.page.evaluate("editor.modeler.saveXML().then(function (r) { return r.xml; })")
    assert '<spiffworkflow:property name="role" value="supervisor" />' in xml
    editor.select("finance_team")  # the properties panel reads the lane's role from the mapping
    assert editor.page.input_value("#bio-properties-panel-atensi-laneRole") == "supervisor"
    assert "Dipetakan ke peran ini" in editor.page.inner_text('[data-group-id="group-atensi"]')
    editor.page.click("#ed-deploy")
    editor.page.fill("#ed-deploy-note", "lajur dari SpiffArena")
    with editor.page.expect_navigation(timeout=30_000):
        editor.page.click("#ed-deploy-confirm")
    editor.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    stored = live.api.as_("supervisor").get("/process-definitions/Process_yhito9d/versions/1/bpmn").data
    assert b'name="role" value="pekerja_sosial"' in stored


def test_a_zipped_bundle_imports_with_its_dmn_validates_and_deploys_together(editor, live, staff, deployed, tmp_path):
    upload = tmp_path / "sample.zip"
    upload.write_bytes(zipped(interop("spiffarena__sample.bpmn", "spiffarena__wonderful.dmn")))
    editor.open("/editor/new", wait=False)
    editor.page.fill("#ed-new-key", "proses_zip")
    editor.page.click("#ed-new-form button[type=submit]")
    editor.page.wait_for_selector("body[data-ready=true]")
    editor.page.set_input_files("#ed-import", str(upload))
    editor.page.wait_for_selector("#ed-status:has-text('1 berkas lain')")
    assert editor.page.inner_text("#ed-process") == "sample"
    editor.page.wait_for_selector("#ed-problems-empty:has-text('Tidak ada masalah')")
    with editor.page.expect_navigation(timeout=30_000):
        editor.page.click("#ed-deploy")
        editor.page.fill("#ed-deploy-note", "dari zip")
        editor.page.click("#ed-deploy-confirm")
    editor.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    files = live.api.as_("supervisor").get("/process-definitions/sample/versions/1/files").json
    assert sorted(f["name"] for f in files) == ["spiffarena__sample.bpmn", "spiffarena__wonderful.dmn"]


def test_a_due_time_is_typed_and_shown_in_words_and_deployed_as_iso(editor, live, staff, deployed):
    editor.open(f"/editor/{KEY}")
    assert editor.page.is_visible(".ed-appnav a:has-text('Tugas Saya')")  # the app's navigation
    editor.select("Task_skrining")
    assert editor.page.input_value("#bio-properties-panel-atensi-dueIn") == "3 hari"  # P3D in the XML
    editor.type_field("atensi-dueIn", "2 minggu")
    editor.tab("diff")
    editor.page.click("#ed-diff-form button[type=submit]")  # one version only: no "from v1 to v1"
    assert "Baru ada satu versi" in editor.page.inner_text("#ed-diff")
    editor.page.click("#ed-draft-diff")
    editor.page.wait_for_selector('#ed-diff li[data-element-id="Task_skrining"]')
    assert "Tenggat: 3 hari → 2 minggu" in editor.page.inner_text('#ed-diff li[data-element-id="Task_skrining"]')
    editor.tab("problems")
    editor.page.click("#ed-validate")
    editor.page.wait_for_selector("#ed-problems-empty:has-text('Tidak ada masalah')")
    editor.page.click("#ed-deploy")
    editor.page.fill("#ed-deploy-note", "Skrining dua minggu")
    editor.page.click("#ed-deploy-confirm")
    editor.page.wait_for_selector("body[data-ready=true] #ed-version-badge:has-text('v2')", timeout=60_000)
    xml = live.api.as_("supervisor").get(f"/process-definitions/{KEY}/versions/2/bpmn").get_data(as_text=True)
    task = xml[xml.index('id="Task_skrining"'):]
    assert '<spiffworkflow:property name="dueIn" value="P14D" />' in task[:task.index("</bpmn:userTask>")]
    editor.select("Task_skrining")
    assert editor.page.input_value("#bio-properties-panel-atensi-dueIn") == "2 minggu"
    editor.shot("11-due-in-words")


def test_a_social_worker_sees_the_process_read_only_with_a_plain_message(editor, live, staff, deployed):
    editor.open(f"/editor/{KEY}", username="peksos")
    assert editor.page.is_visible("#ed-readonly")
    assert "Hanya supervisor dan admin" in editor.page.inner_text("#ed-readonly")
    assert editor.page.is_disabled("#ed-deploy") and not editor.page.is_visible("#ed-canvas .djs-palette")
    assert editor.page.is_visible(".ed-appnav a:has-text('Tugas Saya')")
    assert not editor.page.is_visible("#ed-nav-dashboard")
    editor.shot("12-read-only-for-a-social-worker")


def test_a_supervisor_changes_a_programme_length_in_the_decision_table_in_words_and_deploys_it(
        editor, live, staff, deployed):
    editor.open(f"/editor/{KEY}")
    editor.tab("tables")
    table = 'section[data-decision="periode_program"]'
    row = editor.page.locator(f'{table} tr:has(input[data-rule="Rule_berbasis_keluarga"])')
    cells = row.locator("input")
    assert [cells.nth(i).input_value() for i in range(3)] == ["3 bulan", "P0D", "setiap 1 bulan, 3 kali"]
    assert "default produk" in row.inner_text()  # the rule's note says where the figure comes from
    cells.nth(0).fill("lama sekali")
    cells.nth(0).press("Tab")
    assert "tidak terbaca" in row.inner_text()  # refused beside the cell, the table unchanged
    cells.nth(0).fill("6 bulan")
    cells.nth(0).press("Tab")
    cells.nth(2).fill("setiap 2 minggu, 12 kali")
    cells.nth(2).press("Tab")
    assert "tidak terbaca" not in row.inner_text()
    editor.shot("13-decision-table-in-words")
    editor.page.click("#ed-deploy")
    editor.page.fill("#ed-deploy-note", "Berbasis keluarga enam bulan")
    editor.page.click("#ed-deploy-confirm")
    # the shipped scenarios expect the product default: the editor says which fail and asks first
    editor.page.wait_for_selector("#ed-override-row:not([hidden])", timeout=60_000)
    assert "berbasis keluarga" in editor.page.inner_text("#ed-deploy-scenarios")
    editor.page.check("#ed-override")
    editor.page.click("#ed-deploy-confirm")
    editor.page.wait_for_selector("body[data-ready=true] #ed-version-badge:has-text('v2')", timeout=60_000)
    dmn = live.api.as_("supervisor").get(
        f"/process-definitions/{KEY}/versions/2/files/periode_program.dmn").get_data(as_text=True)
    rule = dmn[dmn.index('id="Rule_berbasis_keluarga"'):]
    rule = rule[:rule.index("</rule>")]
    assert '"P6M"' in rule and '"R12/P14D"' in rule and '"P0D"' in rule
    editor.tab("tables")
    assert editor.page.input_value('input[data-rule="Rule_berbasis_keluarga"] >> nth=0') == "6 bulan"


def test_the_editor_fits_a_phone_s_width_without_sideways_scrolling(browser, live, staff, deployed):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = EditorPage(context.new_page(), live.url)
    page.open(f"/editor/{KEY}")
    page.page.screenshot(path=str(ARTIFACTS / "editor-phone.png"), full_page=True)
    for tab in page.page.locator(".ed-tabs button").all():  # each tab's panel too (tables, diffs)
        tab.click()
        width = page.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (tab.inner_text(), width)
    assert not page.problems, page.problems
    context.close()
