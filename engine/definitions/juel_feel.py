"""Simple JUEL (`${approved}`, Camunda 7/Activiti/Flowable) and FEEL (`= score >= 27`, Zeebe)
expressions, translated into the Python the engine evaluates.

Only the small common core is translated: names, numbers, strings, true/false/null, comparisons,
not/and/or and parentheses. Anything else (method calls, property paths, ternaries, arithmetic,
functions) raises `Untranslatable`, whose message says why; the modeler writes the Python then.
A tokenizer feeds a recursive-descent parser, so the output is a faithful tree, not a text rewrite.
"""
from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op>\.\.|&&|\|\||==|!=|<=|>=|<|>|!|=|\(|\)|[-+*/%.,?:\[\]])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_COMPARISONS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
                "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_CONSTANTS = {"true": "True", "false": "False", "null": "None"}
_WORD_OPERATORS = {"and", "or", "not", "div", "mod", "empty", "instanceof"}


class Untranslatable(ValueError):
    """Why an expression is beyond the simple core."""


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, end
    text: str


def is_foreign(text: str | None) -> bool:
    """A JUEL `${…}`/`#{…}` or a FEEL `= …` expression (Python never starts so)."""
    stripped = (text or "").strip()
    return stripped.startswith(("${", "#{", "="))


def translate(text: str) -> str:
    """The Python for a simple JUEL or FEEL expression; raises Untranslatable for anything else."""
    body, feel = _body(text.strip())
    parser = _Parser(tokenize(body, feel), feel)
    python = parser.expression()
    parser.expect_end()
    return python.text


def _body(text: str) -> tuple[str, bool]:
    if text.startswith(("${", "#{")):
        if not text.endswith("}") or text.count("${") + text.count("#{") != 1:
            raise Untranslatable("it is not one ${...} expression (text around or between expressions)")
        return text[2:-1], False
    if text.startswith("="):
        return text[1:], True
    raise Untranslatable("it is not a JUEL ${...} or FEEL = ... expression")


def tokenize(body: str, feel: bool) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(body):
        kind, value = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "other":
            raise Untranslatable(f"{value!r} is beyond the simple expressions translated here")
        if kind == "string" and feel and value.startswith("'"):
            raise Untranslatable("FEEL strings are written in double quotes")
        tokens.append(Token(kind, value))
    if not tokens:
        raise Untranslatable("the expression is empty")
    return [*tokens, Token("end", "")]


@dataclass(frozen=True)
class _Python:
    text: str
    atom: bool  # needs no parentheses where an operand goes


class _Parser:
    """or := and (('||'|'or') and)*; and := not (('&&'|'and') not)*; not := ('!'|'not') not | cmp;
    cmp := operand (op operand)?; operand := name | number | string | constant | '(' or ')'."""

    def __init__(self, tokens: list[Token], feel: bool):
        self.tokens, self.at, self.feel = tokens, 0, feel

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, *texts: str) -> bool:
        if self.token.kind in ("op", "name") and self.token.text in texts:
            self.at += 1
            return True
        return False

    def expect_end(self) -> None:
        if self.token.kind != "end":
            raise Untranslatable(f"{self.token.text!r} is beyond the simple expressions translated here")

    def expression(self) -> _Python:
        return self._chain(self._and, ("||", "or"), "or")

    def _and(self) -> _Python:
        return self._chain(self._not, ("&&", "and"), "and")

    def _chain(self, operand, symbols: tuple[str, ...], python: str) -> _Python:
        parts = [operand()]
        while self.accept(*symbols):
            parts.append(operand())
        if len(parts) == 1:
            return parts[0]
        return _Python(f" {python} ".join(p.text for p in parts), False)

    def _not(self) -> _Python:
        if self.accept("!", "not"):
            inner = self._not()
            return _Python(f"not {inner.text if inner.atom else f'({inner.text})'}", False)
        return self._comparison()

    def _comparison(self) -> _Python:
        left = self._operand()
        symbol = self.token.text if self.token.kind in ("op", "name") else ""
        if symbol == "=" and not self.feel:
            raise Untranslatable("'=' is an assignment in JUEL: compare with ==")
        python = "==" if symbol == "=" else _COMPARISONS.get(symbol)
        if python is None:
            return left
        self.take()
        right = self._operand()
        if self.token.text in _COMPARISONS or self.token.text == "=":
            raise Untranslatable("chained comparisons are not translated: join them with and")
        return _Python(_compare(left.text, python, right.text), False)

    def _operand(self) -> _Python:
        token = self.take()
        if token.kind == "number":
            return _Python(token.text, True)
        if token.text == "-" and self.token.kind == "number":
            return _Python(f"-{self.take().text}", True)
        if token.kind == "string":
            return _Python(repr(_unquote(token.text)), True)
        if token.kind == "name":
            return self._name(token.text)
        if token.text == "(":
            inner = self.expression()
            if not self.accept(")"):
                raise Untranslatable("a parenthesis is not closed")
            return _Python(inner.text if inner.atom else f"({inner.text})", True)
        if token.kind == "end":
            raise Untranslatable("the expression ends where a value was expected")
        raise Untranslatable(f"{token.text!r} stands where a value was expected")

    def _name(self, name: str) -> _Python:
        if name in _CONSTANTS:
            return _Python(_CONSTANTS[name], True)
        if self.token.text in ("(", "."):
            raise Untranslatable(f"'{name}{self.token.text}…' calls a function or reads a property")
        if name in _WORD_OPERATORS or name in _COMPARISONS:
            raise Untranslatable(f"{name!r} stands where a value was expected")
        if keyword.iskeyword(name):
            raise Untranslatable(f"the variable name {name!r} is a Python keyword: rename the variable")
        return _Python(name, True)


def _compare(left: str, operator: str, right: str) -> str:
    # Python compares with None by identity.
    if "None" in (left, right) and operator in ("==", "!="):
        other = right if left == "None" else left
        return f"{other} {'is' if operator == '==' else 'is not'} None"
    return f"{left} {operator} {right}"


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def suggestion(text: str) -> str | None:
    """The Python to write for an expression that is not translated, when spelling its operators
    the Python way gives plain Python over the task's data (no calls, no properties); else None."""
    try:
        body, feel = _body(text.strip())
        tokens = tokenize(body, feel)[:-1]
    except Untranslatable:
        return None
    spelled = {**_CONSTANTS, **{k: v for k, v in _COMPARISONS.items() if k.isalpha()},
               "&&": "and", "||": "or", "!": "not", "=": "==" if feel else "="}
    candidate = " ".join(spelled.get(t.text, t.text) if t.kind != "string" else t.text for t in tokens)
    candidate = candidate.replace("( ", "(").replace(" )", ")")
    try:
        tree = ast.parse(candidate, mode="eval")
    except SyntaxError:
        return None
    plain = not any(isinstance(node, ast.Call | ast.Attribute | ast.Subscript) for node in ast.walk(tree))
    return candidate if plain else None


# --- DMN: FEEL unary tests (input entries) and literal expressions (output entries) ---------------

_UNARY_COMPARISONS = ("<", "<=", ">", ">=")


def translate_output(text: str) -> str:
    """The Python for a simple FEEL literal expression in a DMN output entry."""
    parser = _Parser(tokenize(text, True), True)
    python = parser.expression()
    parser.expect_end()
    return python.text


def translate_unary_tests(text: str) -> str:
    """The Python for FEEL unary tests in a DMN input entry, in SpiffWorkflow's form: `?` stands for
    the input's value; one plain value is left bare, which Spiff compares with ==."""
    parser = _Unary(tokenize(text, True))
    negated = parser.accept("not")
    if negated and not parser.accept("("):
        raise Untranslatable("not must be followed by ( and the tests it negates")
    tests = [parser.positive()]
    while parser.accept(","):
        tests.append(parser.positive())
    if negated and not parser.accept(")"):
        raise Untranslatable("a parenthesis is not closed")
    parser.expect_end()
    return _join_tests(tests, negated)


def _join_tests(tests: list[tuple[str, str]], negated: bool) -> str:
    if all(kind == "value" for kind, _ in tests):
        values = [python for _, python in tests]
        if len(values) == 1 and not negated:
            return values[0]
        if len(values) == 1:
            return _compare("?", "!=", values[0])
        return f"? {'not in' if negated else 'in'} ({', '.join(values)})"
    joined = " or ".join(python if kind != "value" else _compare("?", "==", python) for kind, python in tests)
    return f"not ({joined})" if negated else joined


class _Unary(_Parser):
    """positive := ('<'|'<='|'>'|'>=') endpoint | ('['|']'|'(') endpoint '..' endpoint (']'|'['|')') | endpoint."""

    def __init__(self, tokens: list[Token]):
        super().__init__(tokens, True)

    def positive(self) -> tuple[str, str]:
        symbol = self.token.text if self.token.kind == "op" else ""
        if symbol in _UNARY_COMPARISONS:
            self.take()
            return "test", f"? {symbol} {self.endpoint()}"
        if symbol in ("[", "]", "("):
            self.take()
            low = self.endpoint()
            if not self.accept(".."):
                raise Untranslatable("a range is written [low..high]")
            high = self.endpoint()
            close = self.take().text
            if close not in ("]", "[", ")"):
                raise Untranslatable("a range ends with ] or ) or [")
            return "test", f"{low} {'<=' if symbol == '[' else '<'} ? {'<=' if close == ']' else '<'} {high}"
        return "value", self.endpoint()

    def endpoint(self) -> str:
        if self.token.kind == "op" and self.token.text not in ("-",):
            raise Untranslatable(f"{self.token.text!r} stands where a value was expected")
        return self._operand().text
