"""Browser check of the built bundles (web/static/build) through demo.html.

Run from the repository root with the project's virtualenv:

    . .venv/bin/activate
    python web/frontend/check_bundle.py [--out test-artifacts/frontend]

Needs Debian's chromium at /usr/bin/chromium (never `playwright install`).
Serves web/ on a loopback port, drives demo.html, exports XML and checks it,
and writes screenshots to --out. Fails (exit 1) on the first broken check.
Any request that leaves the loopback address fails the run.
"""

import argparse
import http.server
import sys
import threading
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
WEB = HERE.parent
REPO = WEB.parent
INTEROP = REPO / "tests" / "data" / "interop"
BUILD = WEB / "static" / "build"

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEBOUNCE_MS = 1000

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition)))
    print(("ok   " if condition else "FAIL ") + name + (f"  [{detail}]" if detail else ""))
    if not condition:
        raise AssertionError(f"{name}: {detail}")


def shows(page, selector, text, timeout_ms=5000) -> bool:
    """Whether the element comes to show the text: the panel validates after its debounce, later on a
    busy machine, so a fixed wait is not enough."""
    try:
        page.locator(selector).filter(has_text=text).wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


@contextmanager
def serve(directory):
    handler = partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# page helpers ###########################################################

def open_demo(context, base, query=""):
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.goto(f"{base}/frontend/demo.html{query}")
    page.evaluate("window.demoReady")
    return page


def import_xml(page, xml):
    return page.evaluate("xml => window.demo.open(xml).then(r => r.warnings.map(w => w.message))", xml)


def select(page, element_id):
    page.evaluate(
        """id => { const m = window.demo.modeler;
                   m.get('selection').select(m.get('elementRegistry').get(id)); }""",
        element_id,
    )
    page.wait_for_selector('[data-group-id="group-atensi"]')


def field(entry_id):
    return f"#bio-properties-panel-atensi-{entry_id}"


def type_into(page, entry_id, text):
    """Type like a user: fill, then leave the field (blur commits at once)."""
    page.fill(field(entry_id), text)
    page.locator(field(entry_id)).blur()


def export(page):
    page.wait_for_timeout(DEBOUNCE_MS)
    return page.evaluate("window.demo.exportXml()")


def spiff_properties(root, element_id):
    node = root.find(f".//*[@id='{element_id}']")
    props = node.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    return {p.get("name"): p.get("value") for p in props}


def no_problems(page, label):
    check(f"{label}: no page or console errors", not page.problems, "; ".join(page.problems))


# the checks ###########################################################

def check_watermark(page):
    for selector in ("#canvas .bjs-powered-by", "#viewer .bjs-powered-by"):
        check(f"bpmn.io watermark visible ({selector})", page.is_visible(selector))


def check_spiffarena_form(page, out):
    warnings = import_xml(page, (INTEROP / "spiffarena__simple_form.bpmn").read_text())
    check("spiffarena simple_form imports without warnings", warnings == [], warnings)

    select(page, "Activity_SimpleForm")
    check("ATENSI group shows the existing form", page.input_value(field("form")) == "simple_form.json")
    check("role without a lane is flagged", "lane" in page.inner_text('[data-entry-id="atensi-role"]'))

    page.select_option(field("form"), "skrining.json")
    type_into(page, "dueIn", "P3D")
    page.select_option(field("stage"), "asesmen")
    page.select_option(field("roleOverride"), "supervisor")
    xml = export(page)
    page.screenshot(path=str(out / "1-spiffarena-form-edited.png"))

    root = ET.fromstring(xml)
    props = spiff_properties(root, "Activity_SimpleForm")
    check("exported spiffworkflow:properties", props == {
        "formJsonSchemaFilename": "skrining.json", "formUiSchemaFilename": "simple_form_ui.json",
        "dueIn": "P3D", "stage": "asesmen", "role": "supervisor"}, props)
    check("role read-only field follows the override", page.input_value(field("role")) == "supervisor")
    task = root.find(".//*[@id='Activity_SimpleForm']")
    check("spiffworkflow:postScript kept",
          task.find("bpmn:extensionElements/spiffworkflow:postScript", NS) is not None)
    check("spiffworkflow:instructionsForEndUser kept",
          root.find(".//spiffworkflow:instructionsForEndUser", NS) is not None)
    check_engine_reads(xml, "Process_WithForm", "Activity_SimpleForm", props)

    page.select_option(field("stage"), "terminasi")
    page.evaluate("window.demo.modeler.get('commandStack').undo()")
    undone = spiff_properties(ET.fromstring(export(page)), "Activity_SimpleForm")
    check("one undo reverts one field change", undone == props, undone)

    type_into(page, "dueIn", "2 minggu")
    page.wait_for_timeout(DEBOUNCE_MS)
    worded = spiff_properties(ET.fromstring(export(page)), "Activity_SimpleForm")
    check("dueIn typed in words is written as ISO-8601", worded.get("dueIn") == "P14D", worded)
    check("dueIn is shown in words", page.input_value(field("dueIn")) == "2 minggu", page.input_value(field("dueIn")))
    type_into(page, "dueIn", "3 harian")
    check("bad dueIn shows an error", shows(page, '[data-entry-id="atensi-dueIn"]', "Bukan durasi"))
    return xml


def check_engine_reads(xml, process_id, task_id, props):
    try:
        from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
    except ImportError:
        print("skip engine parse (SpiffWorkflow not installed)")
        return
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(xml.encode(), filename="exported.bpmn")
    spec = parser.get_spec(process_id)
    read = spec.task_specs[task_id].extensions.get("properties")
    check("SpiffBpmnParser (with XSD validator) reads the exported properties", read == props, read)


def check_errors(page, out):
    unplaced = page.evaluate("""() => AtensiModeler.showErrors(window.demo.modeler, [
        {element_id: 'Activity_SimpleForm', message: 'Tugas pengguna tanpa dueIn'},
        {element_id: 'Flow_0smvjir', message: 'Alur tanpa kondisi'},
        {element_id: 'nope', message: 'tidak ada'}])""")
    marker = page.get_attribute('.djs-element[data-element-id="Activity_SimpleForm"]', "class")
    check("showErrors adds the atensi-error marker", "atensi-error" in marker, marker)
    check("showErrors overlay shows the message",
          "tanpa dueIn" in page.inner_text(
              '.djs-overlays[data-container-id="Activity_SimpleForm"] .atensi-error-message'))
    check("showErrors returns errors it could not place", len(unplaced) == 1 and unplaced[0]["element_id"] == "nope")
    page.screenshot(path=str(out / "2-show-errors.png"))
    page.evaluate("AtensiModeler.clearErrors(window.demo.modeler)")
    check("clearErrors removes markers and overlays",
          page.locator(".atensi-error").count() == 0 and page.locator(".atensi-error-message").count() == 0)


def check_camunda(page, out):
    warnings = import_xml(page, (INTEROP / "camunda__reviewInvoice.bpmn").read_text())
    check("camunda reviewInvoice imports without warnings", warnings == [], warnings)

    page.click('.djs-element[data-element-id="reviewInvoice"]')  # a real click selects it
    page.wait_for_selector(field("form"))
    page.select_option(field("form"), "asesmen.json")
    type_into(page, "dueIn", "PT24H")
    page.select_option(field("stage"), "kedaruratan")
    xml = export(page)
    page.screenshot(path=str(out / "3-camunda-review-invoice.png"))

    root = ET.fromstring(xml)
    props = spiff_properties(root, "reviewInvoice")
    check("camunda file gets spiffworkflow:properties",
          props == {"formJsonSchemaFilename": "asesmen.json", "dueIn": "PT24H", "stage": "kedaruratan"}, props)
    task = root.find(".//*[@id='reviewInvoice']")
    kept = {k: task.get(CAMUNDA + k) for k in ("formKey", "assignee", "dueDate")}
    check("camunda: attributes round-trip", kept == {
        "formKey": "embedded:app:forms/review-invoice.html", "assignee": "${reviewer}",
        "dueDate": "${dateTime().plusDays(2).toDate()}"}, kept)
    note = page.inner_text('[data-entry-id="atensi-camundaNote"]')
    check("ATENSI group notes the Camunda settings the engine ignores", "camunda:assignee" in note, note)
    page.locator('[data-entry-id="atensi-camundaNote"]').scroll_into_view_if_needed()
    page.locator("#panel").screenshot(path=str(out / "3b-camunda-panel.png"))
    process = root.find("bpmn:process", NS)
    check("camunda process attributes round-trip", process.get(CAMUNDA + "historyTimeToLive") == "45")


def check_sample_fields(page, out):
    import_xml(page, page.evaluate("window.demo.sampleXml"))

    select(page, "Task_asesmen")
    check("role comes from the lane", page.input_value(field("role")) == "konselor_adiksi")
    page.evaluate("""() => { const m = window.demo.modeler;
        m.get('modeling').moveElements([m.get('elementRegistry').get('Task_setuju')], {x: 0, y: -180}); }""")
    select(page, "Task_setuju")
    check("moving a task into another lane changes its role",
          page.input_value(field("role")) == "konselor_adiksi", page.input_value(field("role")))
    page.evaluate("window.demo.modeler.get('commandStack').undo()")

    select(page, "Lane_ka")
    check("a lane shows its role", page.input_value(field("laneRole")) == "konselor_adiksi")

    select(page, "Task_risiko")
    page.select_option(field("decision"), "jenis_layanan")
    page.select_option(field("stage"), "asesmen")
    page.screenshot(path=str(out / "4-business-rule-task.png"))

    select(page, "Timer_tunggu")
    check("stock Timer group replaced by ATENSI fields", page.locator('[data-group-id="group-timer"]').count() == 0)
    page.select_option(field("timerType"), "timeCycle")
    type_into(page, "timerExpression", "P3M")
    check("bare timer literal is flagged", shows(page, '[data-entry-id="atensi-timerExpression"]', "dikutip"))
    page.screenshot(path=str(out / "5-timer-unquoted.png"))
    type_into(page, "timerExpression", '"R3/P1M"')

    select(page, "Flow_4")
    type_into(page, "condition", "skor_risiko >= 30")
    select(page, "Flow_5")
    check("default flow says it needs no condition", "default" in page.inner_text('[data-entry-id="atensi-condition"]'))
    xml = export(page)
    page.screenshot(path=str(out / "6-condition.png"))

    root = ET.fromstring(xml)
    decision = root.find(".//*[@id='Task_risiko']/bpmn:extensionElements/spiffworkflow:calledDecisionId", NS)
    check("spiffworkflow:calledDecisionId written", decision is not None and decision.text == "jenis_layanan")
    check("stage on a business rule task", spiff_properties(root, "Task_risiko") == {"stage": "asesmen"})
    timer = root.find(".//*[@id='TimerDef_tunggu']", NS)
    cycle = timer.find("bpmn:timeCycle", NS)
    check("timer moved to bpmn:timeCycle with the quoted literal",
          cycle is not None and cycle.text == '"R3/P1M"' and timer.find("bpmn:timeDuration", NS) is None)
    condition = root.find(".//*[@id='Flow_4']/bpmn:conditionExpression", NS)
    check("condition expression written", condition is not None and condition.text == "skor_risiko >= 30")


def check_interop_corpus(page):
    for path in sorted(INTEROP.glob("*.bpmn")) + sorted(INTEROP.glob("*.bpmn20.xml")):
        try:
            warnings = import_xml(page, path.read_text(encoding="utf-8", errors="replace"))
            exported = page.evaluate("window.demo.exportXml()")
            ET.fromstring(exported)
            check(f"interop {path.name} imports and exports", True, f"{len(warnings)} import warnings")
        except Exception as error:  # noqa: BLE001 - reported as a failed check
            check(f"interop {path.name} imports and exports", False, str(error)[:200])


def check_new_diagram(page, out):
    xml = page.evaluate("AtensiModeler.newDiagramXml('atensi_intake', 'Intake ATENSI')")
    check("newDiagramXml imports without warnings", import_xml(page, xml) == [])
    page.evaluate("""() => { const m = window.demo.modeler, registry = m.get('elementRegistry');
        const task = m.get('elementFactory').createShape({type: 'bpmn:UserTask'});
        m.get('modeling').createShape(task, {x: 420, y: 330}, registry.get('Participant_atensi_intake'));
        m.get('modeling').updateLabel(task, 'Asesmen awal');
        m.get('selection').select(task); }""")
    page.wait_for_selector(field("role"))
    check("a new task in the second lane gets role konselor_adiksi",
          page.input_value(field("role")) == "konselor_adiksi")
    page.select_option(field("form"), "asesmen.json")
    type_into(page, "dueIn", "P7D")
    page.select_option(field("stage"), "asesmen")
    page.screenshot(path=str(out / "7-new-diagram-with-task.png"))
    root = ET.fromstring(export(page))
    created = root.find(".//bpmn:userTask", NS)
    check("the new task carries its properties", spiff_properties(root, created.get("id")) == {
        "formJsonSchemaFilename": "asesmen.json", "dueIn": "P7D", "stage": "asesmen"})
    lanes = [lane.get("name") for lane in root.iter(f"{{{NS['bpmn']}}}lane")]
    process = root.find("bpmn:process", NS)
    check("new diagram has the three role lanes", lanes == ["Pekerja Sosial", "Konselor Adiksi", "Supervisor"], lanes)
    check("new diagram is executable with a start event",
          process.get("isExecutable") == "true" and process.find("bpmn:startEvent", NS) is not None)


def check_viewer(page, out):
    missing = page.evaluate("""() => window.demo.viewerReady.then(v => [
        AtensiViewer.markProgress(v, {completed: ['Start_demo', 'Flow_1', 'Task_skrining'],
                                      active: ['Task_asesmen'], waiting: ['Timer_tunggu']}),
        AtensiViewer.addCounts(v, {Task_skrining: 4, Task_asesmen: 12, ghost: 1}),
        AtensiViewer.highlight(v, {added: [], removed: [], changed: []})])""")
    check("viewer helpers report unknown ids", missing == [[], ["ghost"], []], missing)
    for element_id, marker in (("Task_skrining", "atensi-done"), ("Task_asesmen", "atensi-active"),
                               ("Timer_tunggu", "atensi-waiting")):
        classes = page.get_attribute(f'#viewer .djs-element[data-element-id="{element_id}"]', "class")
        check(f"viewer marks {element_id} {marker}", marker in classes, classes)
    badge = page.inner_text('#viewer .djs-overlays[data-container-id="Task_asesmen"] .atensi-count')
    check("viewer count badge", badge == "12", badge)
    page.locator("#viewer").screenshot(path=str(out / "8-viewer-progress.png"))

    page.evaluate("""() => window.demo.viewerReady.then(v => {
        AtensiViewer.markProgress(v, {});
        AtensiViewer.highlight(v, {added: ['Timer_tunggu', 'Flow_7'], removed: ['End_setuju'],
                                   changed: ['Task_asesmen']}); })""")
    classes = page.get_attribute('#viewer .djs-element[data-element-id="End_setuju"]', "class")
    check("viewer diff marker", "atensi-removed" in classes and page.locator("#viewer .atensi-done").count() == 0)
    page.locator("#viewer").screenshot(path=str(out / "9-viewer-diff.png"))


def check_english(context, base, out):
    page = open_demo(context, base, "?lang=en")
    select(page, "Task_skrining")
    group = page.inner_text('[data-group-id="group-atensi"]')
    check("lang=en labels", "Form" in group and "Due in" in group and "Formulir" not in group, group[:80])
    header = page.inner_text('[data-group-id="group-general"] .bio-properties-panel-group-header')
    check("lang=en translates bpmn-js too", header.startswith("General"), header)
    page.screenshot(path=str(out / "10-english.png"))
    no_problems(page, "lang=en")
    page.close()


def check_read_only(context, base, out):
    page = open_demo(context, base, "?readOnly=1")
    check("read-only hides the palette", not page.is_visible("#canvas .djs-palette"))
    select(page, "Task_skrining")
    check("read-only disables the panel inputs",
          page.is_disabled(field("form")) and page.is_disabled("#bio-properties-panel-name"))
    name = page.evaluate("""() => { const m = window.demo.modeler, e = m.get('elementRegistry').get('Task_skrining');
        m.get('modeling').updateLabel(e, 'diubah'); return e.businessObject.name; }""")
    check("read-only refuses modeling commands", name == "Skrining awal", name)
    page.screenshot(path=str(out / "11-read-only.png"))
    no_problems(page, "readOnly")
    page.close()


def report_sizes():
    for path in sorted(BUILD.iterdir()):
        print(f"size {path.name}: {path.stat().st_size / 1024:.1f} KiB")


def main():
    argp = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    argp.add_argument("--out", default=str(REPO / "test-artifacts" / "frontend"))
    args = argp.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    outside = []
    with serve(WEB) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def loopback_only(route):
            if route.request.url.startswith((base, "data:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", loopback_only)

        page = open_demo(context, base)
        page.screenshot(path=str(out / "0-demo.png"))

        check_watermark(page)
        check_spiffarena_form(page, out)
        check_errors(page, out)
        check_camunda(page, out)
        check_sample_fields(page, out)
        check_interop_corpus(page)
        check_new_diagram(page, out)
        check_viewer(page, out)
        no_problems(page, "main demo")
        page.close()

        check_english(context, base, out)
        check_read_only(context, base, out)
        browser.close()

    check("no request left the loopback address", not outside, outside)
    report_sizes()
    print(f"{sum(ok for _, ok in results)} passed, {sum(not ok for _, ok in results)} failed")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    try:
        main()
    except AssertionError:
        print(f"{sum(ok for _, ok in results)} passed, 1 failed")
        sys.exit(1)
