"""FEEL in DMN decision tables (Camunda, Zeebe), translated at deploy into the Python that
SpiffWorkflow's DMN engine evaluates; a FEEL cell beyond the simple core is refused with the
Python to write. Cells that already are Spiff's Python are left as they are.
"""
from __future__ import annotations

import ast
import re

from engine.definitions import juel_feel
from engine.definitions.documents import Document, Findings, local

# Spiff replaces `?` outside quotes with the input's value.
_QUESTION = re.compile(r"""(\?)(?=(?:[^'"]|['"][^'"]*['"])*$)""")
_FORMS = '? > 5, 1 <= ? <= 5, ? in ("a", "b")'


def apply(doc: Document, findings: Findings) -> None:
    for decision in [el for el in doc.root if local(el) == "decision"]:
        translated = []
        for rule in decision.iter():
            if isinstance(rule.tag, str) and local(rule) == "rule" and _translate_rule(doc, decision, rule, findings):
                translated.append(rule.get("id"))
        if translated:
            findings.warn(doc, decision, f"{doc.name}: FEEL in decision {decision.get('id')} was translated to "
                                         f"Python in rules {', '.join(translated)}")


def _translate_rule(doc: Document, decision, rule, findings: Findings) -> bool:
    changed = False
    for entry in rule:
        kind = local(entry) if isinstance(entry.tag, str) else ""
        if kind not in ("inputEntry", "outputEntry"):
            continue
        holder = next((c for c in entry if isinstance(c.tag, str) and local(c) == "text"), None)
        text = (holder.text or "").strip() if holder is not None else ""
        if text in ("", "-"):
            continue
        python = _translate(doc, decision, rule, holder, findings)
        if python is not None and not _same(text, python):
            holder.text = python
            doc.changed = changed = True
    return changed


def _translate(doc, decision, rule, holder, findings: Findings) -> str | None:
    text, unary = holder.text.strip(), local(holder.getparent()) == "inputEntry"
    try:
        return juel_feel.translate_unary_tests(text) if unary else juel_feel.translate_output(text)
    except juel_feel.Untranslatable as exc:
        if _is_spiff_python(text, unary):
            return None
        what = "input entry" if unary else "output entry"
        forms = f" such as {_FORMS}, where ? is the input's value" if unary else ""
        findings.error(doc, rule, f"{doc.name}: decision {decision.get('id')}, rule {rule.get('id')}: {what} "
                                  f"{text} is FEEL that is not translated ({exc}): write it in Python{forms}",
                       holder.sourceline)
        return None


def _parses(text: str) -> ast.AST | None:
    try:
        return ast.parse(_QUESTION.sub("v", text), mode="eval")
    except SyntaxError:
        return None


def _is_spiff_python(text: str, unary: bool) -> bool:
    """What Spiff's DMN engine can evaluate: an expression, or (input entries) one that follows the input."""
    return _parses(text) is not None or (unary and _parses(f"v {text}") is not None)


def _same(text: str, python: str) -> bool:
    """Whether the cell already is this Python (quotes and spacing aside)."""
    wanted = _parses(python)
    return any(tree is not None and ast.dump(tree) == ast.dump(wanted)
               for tree in (_parses(text), _parses(f"v {text}")))
