"""Deploy-time parsing of a bundle of BPMN, DMN and JSON Schema form files.

`parse_bundle` reads every upload as bytes, applies the Camunda auto-fixes
(`engine.definitions.dialects`), runs the lint rules (`engine.definitions.lint`) and then SpiffWorkflow's own parser
with its XSD validator. It returns a `ParsedBundle`, or raises one `DeployError` holding every
problem found, each naming its file and, where there is one, its element and line. No other
exception escapes: the deploy service and the editor's validate endpoint show these to modelers.
"""
from __future__ import annotations

import copy
import hashlib
import json
import posixpath
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.cases import shown
from engine.definitions import archives, dmn_feel, lane_mapping
from engine.definitions import dialects as vendor_dialects
from engine.definitions.lint import (
    BPMN_NS,
    SPIFF_NS,
    Document,
    Findings,
    LintContext,
    lint_data_stores,
    lint_process,
    local,
)
from engine.errors import DeployError, Problem, plain_message

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")
SCENARIO_SUFFIXES = (".scenario.json", ".scenarios.json")
MAX_XSD_PROBLEMS = 20
# Spiff's shared XSD validator keeps its error log on the schema object.
_SPIFF_LOCK = threading.Lock()


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
                                       _main_file(files)))
        bundle = None
    if findings.errors or bundle is None:
        error = DeployError(findings.errors or [Problem("the bundle could not be parsed", _main_file(files))])
        error.warnings = findings.warnings  # the editor shows these beside the errors
        error.unmapped_lanes = findings.unmapped_lanes  # the editor offers a role for each
        raise error
    return bundle


def _main_file(files) -> str | None:
    names = sorted(files or {})
    return next((n for n in names if _kind(n) == "bpmn"), names[0] if names else None)


def _parse(files: dict[str, bytes], process_key: str | None, findings: Findings,
           lane_roles: dict[str, str] | None = None) -> ParsedBundle | None:
    uploads = _accepted_uploads(files, findings)
    forms = _read_forms(uploads, findings)
    docs = _read_xml(uploads, "bpmn", findings)
    dmns = _read_xml(uploads, "dmn", findings)
    for dmn in dmns:
        dmn_feel.apply(dmn, findings)
    malformed = len(docs) + len(dmns) < sum(_kind(n) in ("bpmn", "dmn") for n in uploads)
    resolve = _resolver(n for n in uploads if _kind(n) == "form")  # a broken form is reported once, not twice
    decisions, bad_dmns = _decisions(dmns, findings)
    for doc in docs:
        vendor_dialects.apply_fixes(doc, findings)
    lane_mapping.apply_mapping(docs, lane_roles, findings)
    key, scope = _select_process(docs, process_key, findings, bool(uploads))
    facts = _all_facts(docs, scope, resolve, findings)
    ctx = LintContext(resolve, frozenset(decisions), frozenset(_process_ids(docs)), facts,
                      frozenset(shown.form_fields(forms)) | _message_variables(docs))
    _lint(scope, ctx, findings)
    stored = _stored_files(uploads, docs + dmns)
    if malformed or key is None:
        return None
    built = _build(docs, [d for d in dmns if d.name not in bad_dmns], stored, key, findings)
    if built is None or findings.errors:
        return None
    doc, process = next((d, p) for d, p in scope if p.get("id") == key)
    return ParsedBundle(
        process_key=key, name=process.get("name") or key, spec=built[0], subprocess_specs=built[1],
        files=stored, forms=forms, elements=facts, start_messages=_start_messages(docs, process),
        content_hash=content_hash(stored), warnings=findings.warnings,
    )


# --- files --------------------------------------------------------------------------------------


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(SCENARIO_SUFFIXES):
        return "scenario"
    if lower.endswith(".json"):
        return "form"
    if lower.endswith(".dmn"):
        return "dmn"
    return "bpmn" if lower.endswith(BPMN_SUFFIXES) else None


def _accepted_uploads(files: dict[str, bytes], findings: Findings) -> dict[str, bytes]:
    uploads = {}
    for name, raw in sorted((files or {}).items()):
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if _kind(name) is None:
            findings.warnings.append(Problem("file ignored: only .bpmn, .bpmn20.xml, .xml, .dmn and .json "
                                             "files (alone or in a .zip) belong in a bundle", name))
        elif not isinstance(raw, bytes | bytearray | memoryview):
            findings.errors.append(Problem(f"file content must be bytes, not {type(raw).__name__}", name))
        else:
            uploads[name] = bytes(raw)
    if not any(_kind(n) == "bpmn" for n in uploads):
        findings.errors.append(Problem("the bundle holds no BPMN file", _main_file(files)))
    return uploads


def _read_forms(uploads: dict[str, bytes], findings: Findings) -> dict[str, dict]:
    forms = {}
    for name, raw in uploads.items():
        if _kind(name) == "form":
            schema = _read_form(name, raw, findings)
            if schema is not None:
                forms[name] = schema
    return forms


def _read_form(name: str, raw: bytes, findings: Findings) -> dict | None:
    try:
        schema = json.loads(raw)
    except json.JSONDecodeError as exc:
        findings.errors.append(Problem(f"form is not valid JSON: {exc.msg}", name, None, exc.lineno))
        return None
    except UnicodeDecodeError:
        findings.errors.append(Problem("form is not UTF-8 text", name))
        return None
    if not isinstance(schema, dict):
        findings.errors.append(Problem("form must be a JSON object holding a JSON Schema", name))
        return None
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "the top level"
        findings.errors.append(Problem(f"form is not a valid JSON Schema: {exc.message} (at {where})", name))
        return None
    return schema


def _xml_parser() -> etree.XMLParser:
    # Uploads are untrusted: no entity expansion, no network. Parsers are not thread-safe: one per call.
    return etree.XMLParser(resolve_entities=False, no_network=True, strip_cdata=False, huge_tree=False)


def _read_xml(uploads: dict[str, bytes], kind: str, findings: Findings) -> list[Document]:
    docs = []
    for name, raw in uploads.items():
        if _kind(name) != kind:
            continue
        try:
            root = etree.fromstring(raw, _xml_parser())
        except etree.XMLSyntaxError as exc:
            findings.errors.append(Problem(f"malformed XML: {exc.msg}", name, None, exc.lineno or None))
            continue
        namespace = etree.QName(root).namespace or ""
        expected = namespace == BPMN_NS if kind == "bpmn" else "DMN" in namespace.upper()
        if local(root) != "definitions" or not expected:
            findings.errors.append(Problem(f"not a {kind.upper()} file: its root element is {root.tag}",
                                           name, None, root.sourceline))
            continue
        docs.append(Document(name, root, camunda=kind == "bpmn" and vendor_dialects.is_camunda_dialect(root)))
    return docs


def _resolver(forms: Iterable[str]) -> Callable[[str], str | None]:
    """A file name as a diagram writes it -> the bundle's name, which may sit in a folder or carry a
    `source__` prefix (spiffarena__simple_form.json answers to simple_form.json)."""
    names = sorted(forms)

    def resolve(ref: str) -> str | None:
        ref = ref.strip().replace("\\", "/")
        base = posixpath.basename(ref)
        for matches in (lambda n: n == ref, lambda n: posixpath.basename(n) == base,
                        lambda n: posixpath.basename(n).partition("__")[2] == base):
            found = [n for n in names if matches(n)]
            if found:
                return found[0]
        return None

    return resolve


def _stored_files(uploads: dict[str, bytes], docs: list[Document]) -> dict[str, bytes]:
    stored = dict(uploads)
    for doc in docs:
        if doc.changed:
            tree = doc.root.getroottree()
            encoding = tree.docinfo.encoding or "UTF-8"  # keep ISO-8859-1 files in ISO-8859-1
            stored[doc.name] = etree.tostring(tree, xml_declaration=True, encoding=encoding)
    return stored


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name, raw in sorted(files.items()):
        digest.update(f"{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    return digest.hexdigest()


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


def single_decisions(root) -> list:
    """One DMN tree per decision table in the file: Spiff's DMN parser reads only a file's first decision."""
    tables = [el for el in root if local(el) == "decision" and any(local(c) == "decisionTable" for c in el)]
    if len(tables) <= 1:
        return [root]
    trees = []
    for keep in tables:
        tree = copy.deepcopy(root)
        for el in [el for el in tree if local(el) == "decision" and el.get("id") != keep.get("id")]:
            tree.remove(el)
        trees.append(tree)
    return trees


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


# --- SpiffWorkflow's own parser -----------------------------------------------------------------


def _build(docs, dmns, stored, key: str, findings: Findings):
    """(spec, subprocess specs) from Spiff's parser, or None; its complaints join the findings."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    problems: list[Problem] = []
    by_name = {d.name: d for d in docs + dmns}
    with _SPIFF_LOCK:
        loaded = [_load(parser, doc, stored[doc.name], problems, by_name) for doc in dmns + docs]
        built = _specs(parser, key, problems, by_name) if all(loaded) else None
    _merge(findings, problems)
    return built


def _load(parser, doc: Document, raw: bytes, problems: list[Problem], by_name) -> bool:
    # A fresh tree: Spiff's validator rewrites some tags in place, and the stored bytes are what runs.
    root = etree.fromstring(raw, _xml_parser())
    try:
        if local(root) == "definitions" and etree.QName(root).namespace == BPMN_NS:
            xsd = _xsd_problems(Document(doc.name, root))
            problems.extend(xsd)
            if xsd:
                return False
            parser.add_bpmn_xml(root.getroottree(), filename=doc.name)
        else:
            for tree in single_decisions(root):
                parser.add_dmn_xml(tree, filename=doc.name)
    except Exception as exc:  # Spiff raises ValidationException, but also bare KeyError/TypeError
        problems.append(_from_exception(exc, doc.name, by_name))
        return False
    return True


def _xsd_problems(doc: Document) -> list[Problem]:
    VALIDATOR.preprocess(doc.root)
    schema = VALIDATOR.validator
    if schema.validate(doc.root):
        return []
    errors = list(schema.error_log)
    problems = [doc.problem(_element_at_line(doc.root, e.line), f"not valid BPMN: {_shorten(e.message)}",
                            e.line) for e in errors[:MAX_XSD_PROBLEMS]]
    if len(errors) > MAX_XSD_PROBLEMS:
        problems.append(Problem(f"{len(errors) - MAX_XSD_PROBLEMS} more schema errors", doc.name))
    return problems


def _element_at_line(root, line: int | None):
    return next((el for el in root.iter() if isinstance(el.tag, str) and el.sourceline == line), None)


def _shorten(message: str) -> str:
    return message.replace(f"{{{BPMN_NS}}}", "bpmn:").replace(f"{{{SPIFF_NS}}}", "spiffworkflow:")


def _specs(parser, key: str, problems: list[Problem], by_name):
    # Build every executable process so that problems anywhere in the bundle surface now.
    for pid in list(parser.get_process_ids()):
        try:
            parser.get_spec(pid)
        except Exception as exc:  # noqa: BLE001 - converted into a Problem
            problems.append(_from_exception(exc, parser.process_parsers[pid].filename, by_name))
    for dmn in list(parser.dmn_parsers.values()):
        try:
            dmn.parse()
        except Exception as exc:  # noqa: BLE001
            problems.append(_from_exception(exc, dmn.filename, by_name))
    try:
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except Exception as exc:  # noqa: BLE001
        problems.append(_from_exception(exc, parser.process_parsers[key].filename, by_name))
        return None


def _from_exception(exc: Exception, file: str | None, by_name: dict[str, Document]) -> Problem:
    """Spiff's exception as a Problem; its ValidationException rarely knows the line, our tree does."""
    if not isinstance(exc, ValidationException):
        return Problem(plain_message(f"SpiffWorkflow failed: {type(exc).__name__}: {exc}"), file)
    element_id = exc.id or None
    doc = _holder(element_id, exc.file_name or file, by_name)
    line = exc.line_number if isinstance(exc.line_number, int) else None
    if doc is not None and element_id:
        line = line or doc.line_of(element_id)
    elif doc is not None and line:
        owner = doc.owner(_element_at_line(doc.root, line))
        element_id = owner.get("id") if owner is not None else None
    message = str(exc.args[0] if exc.args else exc)
    return Problem(plain_message(_shorten(message)).rstrip(". ") or type(exc).__name__,
                   doc.name if doc is not None else exc.file_name or file, element_id, line)


def _holder(element_id: str | None, file: str | None, by_name: dict[str, Document]) -> Document | None:
    """The document holding the element (Spiff names the calling process's file for a callee's error)."""
    named = by_name.get(file or "")
    if element_id is None or (named is not None and element_id in named.by_id):
        return named
    return next((d for d in by_name.values() if element_id in d.by_id), named)


def _merge(findings: Findings, problems: list[Problem]) -> None:
    """Add Spiff's problems unless the lint rules already explained the same element (Spiff stops at
    its first problem, so one without an element is usually a consequence of one already reported)."""
    had_errors = bool(findings.errors)
    covered = {(p.file, p.element_id) for p in findings.errors if p.element_id}
    for problem in problems:
        if (problem.file, problem.element_id) in covered or (had_errors and not problem.element_id):
            continue
        findings.errors.append(problem)
        covered.add((problem.file, problem.element_id))
