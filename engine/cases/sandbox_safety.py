"""Which diagram code is bounded by construction, so that it may run in the server's own process.

Everything else runs in a sandbox worker process with real limits (engine.cases.sandbox_pool). Bounded
means: no loops, comprehensions, definitions or exception handling; calls only to a few builtins
whose cost is linear in their argument; no ``*``, ``**`` or ``%`` (``'x' * 10**9``,
``'%0999999999d' % 1``); no f-strings (a format width is unbounded too). A script (exec) may
only assign to plain names, may not rebind the callable names, and each ``+`` needs a constant
operand and each display constant elements, so that repeating a line cannot double what it built
(``a = a + a``, ``a = [a, a]``). Such code takes time and memory linear in its text and its data.
"""
from __future__ import annotations

import ast
from functools import lru_cache

BOUNDED_CALLS = frozenset({"now_iso", "add_duration", "str", "int", "float", "bool", "len", "abs", "min", "max"})
_LEAVES = (ast.Name, ast.Constant, ast.Load, ast.Store, ast.boolop, ast.unaryop, ast.cmpop)
_EXPRESSIONS = (ast.BoolOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Attribute, ast.Subscript, ast.Slice)
_DISPLAYS = (ast.List, ast.Tuple, ast.Dict, ast.Set)
_STATEMENTS = (ast.Assign, ast.AugAssign, ast.If, ast.Pass, ast.Expr)
_LINEAR_OPS = (ast.Add, ast.Sub, ast.Div, ast.FloorDiv)


@lru_cache(maxsize=4096)
def bounded(source: str, mode: str) -> bool:
    try:
        tree = ast.parse(source if mode == "exec" else source.strip(), mode=mode)
    except SyntaxError:
        return False
    body = tree.body if mode == "exec" else [tree.body]
    return all(_node_ok(node, mode == "exec") for stmt in body for node in ast.walk(stmt))


def _node_ok(node: ast.AST, script: bool) -> bool:
    if isinstance(node, _LEAVES):
        return not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in BOUNDED_CALLS)
    if isinstance(node, _EXPRESSIONS):
        return True
    if isinstance(node, ast.BinOp):
        return _binop_ok(node, script)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in BOUNDED_CALLS and not node.keywords \
            and not any(isinstance(a, ast.Starred) for a in node.args)
    if isinstance(node, _DISPLAYS):
        return not script or all(isinstance(e, ast.Constant) for e in _elements(node))
    if isinstance(node, _STATEMENTS):
        return script and _statement_ok(node)
    return isinstance(node, ast.operator) and isinstance(node, _LINEAR_OPS)


def _binop_ok(node: ast.BinOp, script: bool) -> bool:
    if not isinstance(node.op, _LINEAR_OPS):
        return False
    # In an expression a sum grows with its text; in a script a line may repeat on what it built.
    return not (script and isinstance(node.op, ast.Add)) or any(
        isinstance(side, ast.Constant) for side in (node.left, node.right))


def _statement_ok(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets)
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and isinstance(node.op, ast.Sub | ast.Add) and (
            isinstance(node.op, ast.Sub) or isinstance(node.value, ast.Constant))
    return True


def _elements(node: ast.AST) -> list:
    if isinstance(node, ast.Dict):
        return [*node.keys, *node.values]
    return list(node.elts)
