"""Deploy-time parsing of a bundle of BPMN, DMN and JSON Schema form files.

`parse_bundle` reads every upload as bytes (`engine.definitions.bundle_files`), applies the Camunda
auto-fixes (`engine.definitions.dialects`), runs the lint rules (`engine.definitions.lint`) and then
SpiffWorkflow's own parser with its XSD validator (`engine.definitions.spiff_build`). It returns a
`ParsedBundle`, or raises one `DeployError` holding every problem found, each naming its file and,
where there is one, its element and line. No other exception escapes: the deploy service and the
editor's validate endpoint show these to modelers.
"""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine.cases import shown
from engine.definitions import archives, dmn_feel, lane_mapping
from engine.definitions import dialects as vendor_dialects
from engine.definitions.bundle_files import (
    accepted_uploads,
    content_hash,
    file_kind,
    main_file,
    read_forms,
    read_xml,
    resolver,
    stored_files,
)
from engine.definitions.documents import (
    BPMN_NS,
    SPIFF_NS,
    Document,
    Findings,
    LintContext,
    local,
)
from engine.definitions.lint import lint_data_stores, lint_process
from engine.definitions.spiff_build import build
from engine.errors import DeployError, Problem


@dataclass(frozen=True)
class ParsedBundle:
    process_key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict
    files: dict[str, bytes]
    forms: dict[str, dict]
    elements: dict[str, dict]
    start_messages: list[str]
    content_hash: str
    warnings: list[Problem]


def parse_bundle(files: dict[str, bytes], process_key: str | None = None,
                 lane_roles: dict[str, str] | None = None) -> ParsedBundle:
    """Parse, validate and lint a bundle; raises DeployError (with `.warnings` and `.unmapped_lanes`
    attached) on any error. `lane_roles` maps lanes (by id or name) to roles, written into the diagram."""
    findings = Findings()
    files = archives.expand(files or {})  # a zip's files join the bundle (DeployError when unsafe)
    try:
        bundle = _parse(files, process_key, findings, lane_roles)
    except Exception as exc:  # last line of defence: a modeler sees a problem, never a stack trace
        findings.errors.append(Problem(f"could not read the bundle: {type(exc).__name__}: {exc}",
                                       main_file(files)))
        bundle = None
    if findings.errors or bundle is None:
        error = DeployError(findings.errors or [Problem("the bundle could not be parsed", main_file(files))])
        error.warnings = findings.warnings  # the editor shows these beside the errors
        error.unmapped_lanes = findings.unmapped_lanes  # the editor offers a role for each
        raise error
    return bundle



def _parse(files: dict[str, bytes], process_key: str | None, findings: Findings,
           lane_roles: dict[str, str] | None = None) -> ParsedBundle | None:
    uploads = accepted_uploads(files, findings)
    forms = read_forms(uploads, findings)
    docs = read_xml(uploads, "bpmn", findings)
    dmns = read_xml(uploads, "dmn", findings)
    for dmn in dmns:
        dmn_feel.apply(dmn, findings)
    malformed = len(docs) + len(dmns) < sum(file_kind(n) in ("bpmn", "dmn") for n in uploads)
    resolve = resolver(n for n in uploads if file_kind(n) == "form")  # a broken form is reported once, not twice
    decisions, bad_dmns = _decisions(dmns, findings)
    for doc in docs:
        vendor_dialects.apply_fixes(doc, findings)
    lane_mapping.apply_mapping(docs, lane_roles, findings)
    key, scope = _select_process(docs, process_key, findings, bool(uploads))
    facts = _all_facts(docs, scope, resolve, findings)
    ctx = LintContext(resolve, frozenset(decisions), frozenset(_process_ids(docs)), facts,
                      frozenset(shown.form_fields(forms)) | _message_variables(docs))
    _lint(scope, ctx, findings)
    stored = stored_files(uploads, docs + dmns)
    if malformed or key is None:
        return None
    built = build(docs, [d for d in dmns if d.name not in bad_dmns], stored, key, findings)
    if built is None or findings.errors:
        return None
    doc, process = next((d, p) for d, p in scope if p.get("id") == key)
    return ParsedBundle(
        process_key=key, name=process.get("name") or key, spec=built[0], subprocess_specs=built[1],
        files=stored, forms=forms, elements=facts, start_messages=_start_messages(docs, process),
        content_hash=content_hash(stored), warnings=findings.warnings,
    )



# --- decisions, processes, facts ----------------------------------------------------------------


def _decisions(dmns: list[Document], findings: Findings) -> tuple[dict[str, str], set[str]]:
    """decision id -> file, and the DMN files Spiff must not be given. A file may hold several
    decisions (a decision requirements graph); each decision table among them can be called."""
    decisions, bad = {}, set()
    for doc in dmns:
        found = [el for el in doc.root if local(el) == "decision"]
        if not found:
            bad.add(doc.name)
            findings.error(doc, doc.root, "DMN file defines no decision")
        for el in found:
            if not any(local(c) == "decisionTable" for c in el):
                findings.warn(doc, el, "decision has no decision table: only decision tables can be called")
                continue
            _warn_required_decisions(doc, el, findings)
            decisions.setdefault(el.get("id"), doc.name)
        if found and not any(decisions.get(el.get("id")) == doc.name for el in found):
            bad.add(doc.name)
    return decisions, bad


def _warn_required_decisions(doc: Document, decision, findings: Findings) -> None:
    required = [ref.get("href", "").lstrip("#") for ref in decision.iter()
                if local(ref) == "requiredDecision" and ref.get("href")]
    if required:
        findings.warn(doc, decision, f"decision {decision.get('id')} requires {', '.join(required)}, which the "
                                     "engine does not evaluate first: call it in an earlier business rule task so "
                                     "its outputs are in the case's data")



def _process_ids(docs: list[Document]) -> list[str]:
    return [p.get("id") for doc in docs for p in doc.processes()]


def _is_executable(process) -> bool:
    return process.get("isExecutable", "true") == "true"  # Spiff's reading: absent means executable


def _select_process(docs, process_key, findings, any_upload) -> tuple[str | None, list]:
    """The process to deploy (None when that is an error), and the executable processes to lint."""
    processes = [(doc, p) for doc in docs for p in doc.processes()]
    seen: dict[str, Document] = {}
    for doc, process in processes:
        if process.get("id") in seen:
            other = seen[process.get("id")].name
            findings.error(doc, process, f"process id {process.get('id')} is also used in {other}")
        seen.setdefault(process.get("id"), doc)
    scope = [(d, p) for d, p in processes if _is_executable(p)]
    called = {el.get("calledElement") for _, p in scope for el in p.iter(f"{{{BPMN_NS}}}callActivity")}
    _report_not_executable(docs, process_key, called, findings)
    if process_key is not None:
        return _requested(processes, process_key, findings), scope
    top = [(d, p) for d, p in scope if p.get("id") not in called] or scope
    if len(top) > 1:
        ids = ", ".join(p.get("id") for _, p in top)
        findings.errors.append(Problem(f"the bundle holds {len(top)} executable processes ({ids}): name "
                                       "the one to deploy", top[0][0].name))
        return None, scope
    if not processes and docs and any_upload:
        findings.errors.append(Problem("the bundle defines no process", docs[0].name))
    return (top[0][1].get("id") if top else None), scope


def _requested(processes, process_key: str, findings: Findings) -> str | None:
    match = [(d, p) for d, p in processes if p.get("id") == process_key]
    if not match:
        known = ", ".join(p.get("id") for _, p in processes) or "none"
        first = processes[0][0].name if processes else None
        findings.errors.append(Problem(f"process {process_key} is not in the bundle (processes: {known})",
                                       first))
        return None
    return process_key if _is_executable(match[0][1]) else None


def _report_not_executable(docs, process_key, called: set, findings: Findings) -> None:
    for doc in docs:
        any_executable = any(_is_executable(p) for p in doc.processes())
        for process in doc.processes():
            if _is_executable(process):
                continue
            pid = process.get("id")
            if pid == process_key or pid in called or (process_key is None and not any_executable):
                findings.error(doc, process, f'Process {pid} is not executable: set isExecutable="true"')
            else:
                findings.warn(doc, process, f'Process {pid} is not executable and will not run: set '
                                            'isExecutable="true" to run it')


def _all_facts(docs, scope, resolve, findings: Findings) -> dict[str, dict]:
    facts: dict[str, dict] = {}
    for doc in docs:
        for element_id, fact in vendor_dialects.element_facts(doc, resolve).items():
            other = facts.get(element_id)
            if other is not None and "userTask" in (fact["type"], other["type"]):
                # The runtime finds a task's role, form and due time by its id.
                findings.error(doc, doc.by_id.get(element_id), f"element id {element_id} is used twice in "
                                                               "the bundle: rename one")
            facts.setdefault(element_id, fact)
    return facts


def _lint(scope, ctx: LintContext, findings: Findings) -> None:
    for doc, process in scope:
        lint_process(doc, process, ctx, findings)
        vendor_dialects.lint_process(doc, process, findings)
    for doc in {id(d): d for d, _ in scope}.values():
        lint_data_stores(doc, findings)


def _message_variables(docs: list[Document]) -> frozenset[str]:
    """Variables a caught message writes (e.g. usulan_terminasi, checked against its start event's form)."""
    return frozenset((el.text or "").strip() for doc in docs for el in doc.root.iter(f"{{{SPIFF_NS}}}messageVariable"))


def _start_messages(docs: list[Document], process) -> list[str]:
    names = {m.get("id"): m.get("name") or m.get("id")
             for doc in docs for m in doc.root.iter(f"{{{BPMN_NS}}}message")}
    refs = process.xpath("./bpmn:startEvent/bpmn:messageEventDefinition/@messageRef",
                         namespaces={"bpmn": BPMN_NS})
    return list(dict.fromkeys(names.get(str(r), str(r)) for r in refs))


