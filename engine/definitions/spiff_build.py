"""SpiffWorkflow's own parser over a linted bundle: its XSD validation and its specs, with its complaints
turned into problems that name a file, an element and a line."""
from __future__ import annotations

import copy
import threading

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.definitions.bundle_files import xml_parser
from engine.definitions.documents import (
    BPMN_NS,
    SPIFF_NS,
    Document,
    Findings,
    local,
)
from engine.errors import Problem, plain_message

MAX_XSD_PROBLEMS = 20
# Spiff's shared XSD validator keeps its error log on the schema object.
_SPIFF_LOCK = threading.Lock()


def build(docs, dmns, stored, key: str, findings: Findings):
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
    root = etree.fromstring(raw, xml_parser())
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

