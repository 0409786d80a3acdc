"""Run-time imports, output and the course's packages, as the code of a graded cell shows them; code nested deeper
than Python's recursion limit still gets a verdict."""
import pytest

from fixtures.grading.builders import NAMES, TEMPLATE, edited, with_code
from instructor_tools.grading.rules import check_submission
from instructor_tools.grading.rules.model import parse


@pytest.mark.parametrize("code, shown, count", [
    ("m = __import__('init_utils.schemes')", "__import__", 1),
    ("import importlib\nm = importlib.import_module('init_' + 'utils.schemes')", "import importlib", 2),
    ("from importlib import import_module", "from importlib import import_module", 1),
    ("import sys\nm = sys.modules['init_utils.schemes']", "sys.modules", 1),
    ("import sys\nm = vars(sys)['modules']", "vars(sys)['modules']", 1),
    ("import builtins\nm = getattr(builtins, '__import__')('math')", "getattr(..., '__import__')", 1),
    ("exec('import math')", "in text run by exec", 1),
], ids=["__import__", "importlib", "from importlib", "sys.modules", "vars(sys)", "getattr", "exec"])
def test_a_run_time_import_breaks_dynamic_import(code, shown, count):
    _, violations, _ = check_submission(TEMPLATE, with_code(NAMES[1], code))
    assert [(v.rule, v.exercise) for v in violations] == [("dynamic-import", NAMES[1])] * count
    assert violations[0].message == (f"a run-time import ({shown}): a graded function imports only with a plain "
                                     "`import` statement, which the grader can read (the course's packages are off "
                                     "limits); remove it.")



# ---- ADVERSARY5 B5: a standard module that imports from a literal name, or a string naming the course's package

LITERAL = {
    "pkgutil.resolve_name": ("import pkgutil\nf = pkgutil.resolve_name('init_utils.schemes:builtin_initializer')",
                             [("dynamic-import", 1), ("course-helper", 2)]),
    "pydoc.locate": ("from pydoc import locate\nf = locate('init_utils.schemes.builtin_initializer')",
                     [("dynamic-import", 1), ("course-helper", 2)]),
    "sys.__dict__.get": ("import sys\nm = sys.__dict__.get('modules')\nf = m['init_utils.schemes']",
                         [("dynamic-import", 2), ("course-helper", 3)]),
    "runpy": ("import runpy", [("dynamic-import", 1)]),
    "importlib.util": ("from importlib.util import find_spec", [("dynamic-import", 1)]),
    "getattr __import__ in a dict": ("f = {'a': '__import__'}", [("dynamic-import", 1)]),
    "pickle": ("import pickle\nf = pickle.loads(b'cpublic_tests\\nhe\\n.')", [("course-helper", 2)]),
    "one finding a line": ("m = __import__('public_tests')", [("dynamic-import", 1)]),
}


@pytest.mark.parametrize("code, expected", LITERAL.values(), ids=list(LITERAL))
def test_a_run_time_import_from_a_literal_name_breaks_a_rule(code, expected):
    notebook = with_code(NAMES[2], code)
    located, violations, _ = check_submission(TEMPLATE, notebook)
    first = located[NAMES[2]].source.split("\n").index("        " + code.split("\n")[0])  # line numbers from 1
    assert [(v.rule, v.exercise, v.line - first) for v in violations] == [
        (rule, NAMES[2], line) for rule, line in expected]


def test_honest_answers_stay_clean_of_the_literal_name_rules():
    code = ("modules = display = 2  # locals with those names\nrng = np.random.default_rng(3)\n"
            "options = {'print': False, 'name': 'init', 'note': 'import nothing'}\nsqrt = getattr(np, 'sqrt')")
    assert check_submission(TEMPLATE, with_code(NAMES[2], code))[1] == []


# ---- ADVERSARY5 B2: a chain nested deeper than ast.unparse can recurse gets a verdict, never a crash

CHAIN = "parameters" + ".a" * 500
DEEP = {
    ".modules": (f"if False:\n    _ = {CHAIN}.modules", "dynamic-import"),
    ".print": (f"if False:\n    _ = {CHAIN}.print", "extra-print"),
    "['print']": ("if False:\n    _ = parameters" + "['a']" * 400 + "['print']", "extra-print"),
}


@pytest.mark.parametrize("code, rule", DEEP.values(), ids=list(DEEP))
def test_a_deeply_nested_chain_gets_a_verdict_not_a_crash(code, rule):
    assert parse(code) is not None  # Python accepts it
    _, violations, _ = check_submission(TEMPLATE, with_code(NAMES[2], code))
    assert [(v.rule, v.exercise) for v in violations if v.rule != "global-variable"] == [(rule, NAMES[2])]
    assert "(code nested too deeply to show)" in violations[0].message


@pytest.mark.parametrize("old, new", [
    ("def initialize_parameters_he(layers_dims):", f"def initialize_parameters_he(layers_dims, scale={CHAIN}):"),
    ("    return parameters", "    return parameters\n\ninitialize_parameters_he = parameters" + ".a" * 1500),
], ids=["a parameter's default", "a binding deeper than the recursion limit"])
def test_a_deeply_nested_signature_or_binding_gets_a_verdict_not_a_crash(old, new):
    _, violations, _ = check_submission(TEMPLATE, edited(NAMES[2], old, new))
    assert [(v.rule, v.exercise) for v in violations] == [("changed-signature", NAMES[2])]
    assert "code nested too deeply to show" in violations[0].message
