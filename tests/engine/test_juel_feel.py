"""Simple JUEL and FEEL expressions become Python; the rest is refused with the reason."""
from __future__ import annotations

import pytest

from engine.definitions.juel_feel import Untranslatable, is_foreign, suggestion, translate

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("foreign", "python"), [
    ("${approved}", "approved"),
    ("#{approved}", "approved"),
    ("${amount > 1000}", "amount > 1000"),
    ("= score >= 27", "score >= 27"),
    ("${not(x)}", "not x"),
    ("= not(x)", "not x"),
    ("${!approved}", "not approved"),
    ("${a && b || !c}", "a and b or not c"),
    ("= a and (b or c)", "a and (b or c)"),
    ("= not(a or b)", "not (a or b)"),
    ("${!(a&&b)}", "not (a and b)"),
    ("${clarified == 'yes'}", "clarified == 'yes'"),
    ('= status = "baru"', "status == 'baru'"),
    ('= status != "baru"', "status != 'baru'"),
    ("${invoiceId != null}", "invoiceId is not None"),
    ("${null == invoiceId}", "invoiceId is None"),
    ("#{a eq 3 and b ge -2.5}", "a == 3 and b >= -2.5"),
    ("${true}", "True"),
    (r"${'it\'s'}", '"it\'s"'),
])
def test_a_simple_expression_is_translated_to_python(foreign, python):
    assert translate(foreign) == python


def test_the_translation_keeps_the_meaning_of_precedence():
    # && binds tighter than ||, as `and` binds tighter than `or`.
    python = translate("${a || b && c}")
    assert python == "a or b and c"
    assert eval(python, {}, {"a": False, "b": True, "c": False}) is False


@pytest.mark.parametrize(("foreign", "reason"), [
    ("${execution.getVariable('x')}", "calls a function or reads a property"),
    ("${a ? b : c}", "'?' is beyond"),
    ("= duration(\"PT1H\")", "calls a function"),
    ("${a + 1 > 2}", "'+' is beyond"),
    ("${a < b < c}", "chained comparisons"),
    ("${x} and ${y}", "not one ${...} expression"),
    ("${a = 3}", "assignment in JUEL"),
    ("= 'single'", "double quotes"),
    ("${class}", "Python keyword"),
    ("${(a}", "not closed"),
    ("${a &&}", "ends where a value was expected"),
    ("${}", "empty"),
    ("plain", "not a JUEL"),
])
def test_anything_else_is_refused_saying_why(foreign, reason):
    with pytest.raises(Untranslatable, match=None) as refused:
        translate(foreign)
    assert reason in str(refused.value)


def test_a_refused_expression_suggests_plain_python_when_there_is_one():
    assert suggestion("${a + 1 > 2 && !done}") == "a + 1 > 2 and not done"


def test_no_python_is_suggested_for_calls_and_properties():
    assert suggestion("${execution.getVariable('x') > 2}") is None
    assert suggestion("${order.total > 2}") is None


def test_only_juel_and_feel_count_as_foreign():
    assert [is_foreign(t) for t in ("${a}", "#{a}", "= a", "a == 1", "'${a}'", None)] == \
        [True, True, True, False, False, False]
