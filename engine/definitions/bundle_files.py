"""A bundle's uploaded files: which kind each is, reading its forms and XML safely, and the bytes stored."""
from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable, Iterable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree

from engine.definitions import dialects as vendor_dialects
from engine.definitions.documents import (
    BPMN_NS,
    Document,
    Findings,
    local,
)
from engine.errors import Problem

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")
SCENARIO_SUFFIXES = (".scenario.json", ".scenarios.json")


def main_file(files) -> str | None:
    names = sorted(files or {})
    return next((n for n in names if file_kind(n) == "bpmn"), names[0] if names else None)



def file_kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(SCENARIO_SUFFIXES):
        return "scenario"
    if lower.endswith(".json"):
        return "form"
    if lower.endswith(".dmn"):
        return "dmn"
    return "bpmn" if lower.endswith(BPMN_SUFFIXES) else None


def accepted_uploads(files: dict[str, bytes], findings: Findings) -> dict[str, bytes]:
    uploads = {}
    for name, raw in sorted((files or {}).items()):
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if file_kind(name) is None:
            findings.warnings.append(Problem("file ignored: only .bpmn, .bpmn20.xml, .xml, .dmn and .json "
                                             "files (alone or in a .zip) belong in a bundle", name))
        elif not isinstance(raw, bytes | bytearray | memoryview):
            findings.errors.append(Problem(f"file content must be bytes, not {type(raw).__name__}", name))
        else:
            uploads[name] = bytes(raw)
    if not any(file_kind(n) == "bpmn" for n in uploads):
        findings.errors.append(Problem("the bundle holds no BPMN file", main_file(files)))
    return uploads


def read_forms(uploads: dict[str, bytes], findings: Findings) -> dict[str, dict]:
    forms = {}
    for name, raw in uploads.items():
        if file_kind(name) == "form":
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


def xml_parser() -> etree.XMLParser:
    # Uploads are untrusted: no entity expansion, no network. Parsers are not thread-safe: one per call.
    return etree.XMLParser(resolve_entities=False, no_network=True, strip_cdata=False, huge_tree=False)


def read_xml(uploads: dict[str, bytes], kind: str, findings: Findings) -> list[Document]:
    docs = []
    for name, raw in uploads.items():
        if file_kind(name) != kind:
            continue
        try:
            root = etree.fromstring(raw, xml_parser())
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


def resolver(forms: Iterable[str]) -> Callable[[str], str | None]:
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


def stored_files(uploads: dict[str, bytes], docs: list[Document]) -> dict[str, bytes]:
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
