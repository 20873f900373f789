"""Issue 14: every message of the engine's lint reads in Bahasa Indonesia in the editor, not only the
common ones. Each message template of the lint rules (engine/definitions/lint*.py) is filled with sample values and
translated by the editor's own script (web/static/js/editor-panels.js) in headless Chromium."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
LINT_RULES = sorted((ROOT / "engine" / "definitions").glob("lint*.py"))  # lint.py and its lint_* rule modules
PANELS = ROOT / "web" / "static" / "js" / "editor-panels.js"
REPORTERS = {"error", "warn", "problem"}


def _template(node) -> str | None:
    """A message's text with each placeholder as {expression}; None for anything but plain text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                       for v in node.values)
    return None


def _sample(expression: str) -> str:
    if "what" in expression:
        return "script"
    if "count" in expression or "MAX_YEARS" in expression:
        return "2"
    if "__name__" in expression:
        return "int"
    if expression == "prop":
        return "shows"
    if "where" in expression:
        return " (line 3 of the script)"
    return "Task_periksa"


def lint_messages() -> list[str]:
    """Every message the lint rules report or return as a problem, its placeholders filled."""
    templates = set()
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in LINT_RULES]
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in REPORTERS:
            templates.update(t for t in map(_template, node.args) if t and " " in t)
        if isinstance(node, ast.Return) and node.value is not None:
            text = _template(node.value)
            if text and " " in text and len(text) > 12:
                templates.add(text)
    return sorted(re.sub(r"\{([^{}]+)\}", lambda m: _sample(m.group(1)), t) for t in templates)


def test_every_lint_message_reads_in_indonesian_in_the_editor(chromium):
    messages = lint_messages()
    assert len(messages) > 40  # the extraction found the lint's messages
    page = chromium.new_page()
    page.set_content("<html><body></body></html>")
    page.evaluate("window.EditorI18n = {lang: 'id', t: function (key) { return key; }};")
    page.add_script_tag(content=PANELS.read_text(encoding="utf-8"))
    shown = page.evaluate("(list) => EditorPanels.translated(list.map((m) => ({message: m})))"
                          ".map((p) => p.message)", messages)
    page.close()
    untranslated = [m for m, s in zip(messages, shown, strict=True) if s == m]
    assert not untranslated, "lint messages with no Indonesian text in editor-panels.js:\n" + "\n".join(untranslated)
    english = [s for s in shown if re.search(r"\b(is not|has no|must|should|the engine|supported)\b", s)]
    assert not english, "\n".join(english)
