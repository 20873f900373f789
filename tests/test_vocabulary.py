"""The product's words are written once, in engine/vocabulary.py: the pages' labels are keyed by it,
the shipped diagrams use its messages, and the editor's copy for the browser (conventions.js) matches."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from lxml import etree

from engine import vocabulary
from engine.cases.sync import PRIORITY_BY_RISK
from web import i18n

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent
CONVENTIONS = ROOT / "web" / "frontend" / "src" / "conventions.js"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def js_constants(source: str) -> dict:
    """The ``export const NAME = [...]`` lists of strings and ``{ key: [...] }`` objects of such lists."""
    constants = {}
    for name, body in re.findall(r"export const (\w+) = (\[[^\]]*\]|\{.*?\n\});", source, flags=re.S):
        if body.startswith("["):
            constants[name] = tuple(re.findall(r"'([^']*)'", body))
        else:
            constants[name] = {key: tuple(re.findall(r"'([^']*)'", items))
                               for key, items in re.findall(r"(\w+)\s*:\s*\[([^\]]*)\]", body)}
    return constants


@pytest.fixture(scope="module")
def conventions() -> dict:
    return js_constants(CONVENTIONS.read_text(encoding="utf-8"))


def test_the_js_reader_reads_lists_and_objects_of_lists():
    source = "export const A = [ 'x', 'y' ];\nexport const B = {\n  p: [ 'q' ],\n  r: [\n 's', 't'\n ]\n};\n"
    assert js_constants(source) == {"A": ("x", "y"), "B": {"p": ("q",), "r": ("s", "t")}}


def test_the_editor_knows_the_same_roles_as_the_engine(conventions):
    assert conventions["KNOWN_ROLES"] == vocabulary.ROLES


def test_the_editor_offers_the_lane_roles_and_draws_their_lanes(conventions):
    assert conventions["OVERRIDE_ROLES"] == vocabulary.LANE_ROLES
    assert conventions["DEFAULT_LANES"] == tuple(vocabulary.ROLE_LABELS[role] for role in vocabulary.LANE_ROLES)


def test_the_editor_knows_the_stages_of_each_process_in_order(conventions):
    assert conventions["STAGES"] == vocabulary.STAGES


def test_every_stored_value_the_pages_show_has_a_label_and_no_label_is_for_an_unknown_value():
    assert set(i18n.ROLES) == set(vocabulary.ROLES)
    assert set(i18n.STAGES) == {stage for stages in vocabulary.STAGES.values() for stage in stages}
    assert set(i18n.RISKS) == set(vocabulary.RISK_LEVELS)
    assert set(i18n.STATUSES) == set(vocabulary.CASE_STATUSES)
    assert set(i18n.PROCESSES) == set(vocabulary.PROCESS_KEYS)
    assert set(i18n.MESSAGES) <= set(vocabulary.MESSAGES)


def test_the_shipped_diagrams_use_the_process_keys_and_message_names_of_the_vocabulary():
    keys, messages = set(), set()
    for path in (ROOT / "bpmn").glob("*.bpmn"):
        tree = etree.parse(str(path))
        keys.update(p.get("id") for p in tree.iter(f"{BPMN}process"))
        messages.update(m.get("name") for m in tree.iter(f"{BPMN}message"))
    assert keys == set(vocabulary.PROCESS_KEYS)
    assert messages == set(vocabulary.MESSAGES)


def test_role_groups_hold_known_roles_only():
    for group in (vocabulary.EDITORS, vocabulary.LANE_ROLES, (vocabulary.ESCALATION_ROLE,)):
        assert set(group) <= set(vocabulary.ROLES)


def test_every_risk_level_has_a_task_priority():
    assert set(PRIORITY_BY_RISK) == set(vocabulary.RISK_LEVELS)


WORDS = {*vocabulary.ROLES, *vocabulary.PROCESS_KEYS, *vocabulary.MESSAGES}
PACKAGES = ("engine", "atensi", "api", "web", "workers", "cli")


def spelled_words(source: str) -> list[tuple[int, str]]:
    """Role names, process keys and message names written as string literals, except where they
    are not the word but a name like it: dict keys (the demo users), OpenAPI examples (metadata=)
    and page anchors (_anchor=)."""
    tree = ast.parse(source)
    ignored = {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys}
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("metadata", "_anchor"):
            ignored.update(id(inner) for inner in ast.walk(node.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in WORDS and id(node) not in ignored]


def test_the_words_check_sees_a_role_spelled_out_but_not_a_dict_key_or_an_example():
    source = 'require_role(actor, "supervisor")\nUSERS = {"admin": 1}\nf(metadata={"example": "krisis"})\n'
    assert spelled_words(source) == [(1, "supervisor")]


@pytest.mark.parametrize("package", PACKAGES)
def test_role_names_process_keys_and_messages_are_spelled_only_in_the_vocabulary(package):
    found = {str(path.relative_to(ROOT)): words for path in sorted((ROOT / package).rglob("*.py"))
             if path.name != "vocabulary.py" and "frontend" not in path.parts
             and (words := spelled_words(path.read_text(encoding="utf-8")))}
    assert found == {}


def recorded_kinds(source: str) -> set[str]:
    """The history kinds written out in ``history.record(session, case_id, actor, "kind", ...)`` calls."""
    return {call.args[3].value for call in ast.walk(ast.parse(source))
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "record"
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "history"
            and len(call.args) > 3 and isinstance(call.args[3], ast.Constant)}


def test_the_history_check_reads_the_kind_of_a_record_call():
    assert recorded_kinds('history.record(s, 1, "ana", "case_suspended", "why")\nlog.record(1, 2, 3, "x")\n') == {
        "case_suspended"}


def test_every_history_kind_the_engine_records_has_a_page_label():
    kinds = set().union(*(recorded_kinds(path.read_text(encoding="utf-8")) for path in (ROOT / "engine").rglob("*.py")))
    assert "case_suspended" in kinds
    assert kinds - set(i18n.HISTORY) == set()


STATUS_WORDS = {*vocabulary.CASE_STATUSES, *vocabulary.TASK_STATUSES, *vocabulary.INCIDENT_STATUSES,
                *vocabulary.DELIVERY_STATUSES}


def _is_status(node: ast.AST) -> bool:
    """``x.status``, ``x["status"]``, ``status`` or ``x.get("status")``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "status"
    if isinstance(node, ast.Name):
        return node.id == "status" or node.id.endswith("STATUSES")
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "status"
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "status")


def _status_values(node: ast.AST) -> list[ast.AST]:
    """The expressions that stand for a status in ``node``: compared with one, assigned to one, passed as
    ``status=`` or its default, or the value under a ``"status"`` key."""
    if isinstance(node, ast.Compare) and any(_is_status(side) for side in (node.left, *node.comparators)):
        return [node.left, *node.comparators]
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        pairs = [pair for target in targets for pair in _assigned(target, node.value)]
        return [value for target, value in pairs if _is_status(target)]
    if isinstance(node, ast.keyword) and node.arg == "status":
        return [node.value]
    if isinstance(node, ast.arguments):
        named = [*node.posonlyargs, *node.args][-len(node.defaults):] if node.defaults else []
        return [default for arg, default in zip(named, node.defaults, strict=True) if arg.arg == "status"]
    if isinstance(node, ast.Dict):
        return [value for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "status"]
    return []


def _assigned(target: ast.AST, value: ast.AST) -> list[tuple[ast.AST, ast.AST]]:
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
        return list(zip(target.elts, value.elts, strict=True))
    return [(target, value)]


def spelled_statuses(source: str) -> list[tuple[int, str]]:
    """Case, task, incident and delivery statuses written as string literals where a status is meant."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        for value in _status_values(node):
            found.update((inner.lineno, inner.value) for inner in ast.walk(value)
                         if isinstance(inner, ast.Constant) and inner.value in STATUS_WORDS)
    return sorted(found)


def test_the_status_check_sees_statuses_compared_assigned_passed_and_defaulted_but_not_other_words():
    source = ('if case.status != "incident": pass\nrow.status, row.at = "cancelled", None\nf(status="sent")\n'
              'LIVE_STATUSES = ("active", "incident")\ndef g(status="open"): pass\n'
              'SCHEMA = {"status": {"enum": ["completed"]}}\nhistory.record(s, 1, "ana", "incident")\n'
              'counts = {"failed": 0}\nif changes.get("active") is False: pass\n'
              'x = "suspended" if row.status == other else None\n')
    assert spelled_statuses(source) == [(1, "incident"), (2, "cancelled"), (3, "sent"), (4, "active"), (4, "incident"),
                                        (5, "open"), (6, "completed")]


@pytest.mark.parametrize("package", PACKAGES)
def test_statuses_are_spelled_only_in_the_vocabulary(package):
    found = {str(path.relative_to(ROOT)): words for path in sorted((ROOT / package).rglob("*.py"))
             if path.name != "vocabulary.py" and "frontend" not in path.parts
             and (words := spelled_statuses(path.read_text(encoding="utf-8")))}
    assert found == {}
