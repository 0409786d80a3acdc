"""Submission rules: code compared as tokens, cells read as IPython runs them, names judged as Python binds them."""
import ast

import pytest

from fixtures.grading.builders import NAMES, TEMPLATE, answered, cell_number, edited, with_code
from instructor_tools.grading.code_compare import code_key, code_tokens, python_source
from instructor_tools.grading.rules import check_submission, global_violations, print_violations
from notebook_tools import text

BASE = 'def f(x):\n    """Doc."""\n    y = x + 1  # note\n\n    return y\n'

SAME = {
    "tabs": 'def f(x):\n\t"""Doc."""\n\ty = x + 1\n\treturn y',
    "crlf": BASE.replace("\n", "\r\n"),
    "blank lines and comments": '\n\n# top\ndef f(x):\n    """Doc."""\n\n    y = x+1\n    # gone\n    return y\n\n\n',
    "docstring edited": 'def f(x):\n    """Other words\n    on two lines."""\n    y = x + 1\n    return y',
    "docstring deleted": "def f(x):\n    y = x + 1\n    return y",
    "backslash continuation": "def f(x):\n    y = x \\\n        + 1\n    return y",
}
DIFFERENT = {
    "value": "def f(x):\n    y = x + 2\n    return y",
    "return in a deeper block": "def f(x):\n    y = x + 1\n    if y:\n        return y",
    "string that is code": 'def f(x):\n    y = x + 1\n    "doc" + y\n    return y',
    "extra statement": "def f(x):\n    y = x + 1\n    y = 0\n    return y",
}


@pytest.mark.parametrize("other", SAME.values(), ids=list(SAME))
def test_cosmetic_differences_are_the_same_code(other):
    assert code_key(BASE) == code_key(other)


@pytest.mark.parametrize("other", DIFFERENT.values(), ids=list(DIFFERENT))
def test_code_differences_are_seen(other):
    assert code_key(BASE) != code_key(other)


def test_untokenizable_text_falls_back_to_lines_without_spaces_and_comments():
    broken = 'x = """never closed\n'
    with pytest.raises(ValueError):
        code_tokens(broken)
    assert code_key(broken) == code_key('x  =  """never closed\n# comment\n') != code_key('x = """other\n')


def test_cells_are_read_as_ipython_runs_them():
    cell = "%matplotlib inline\nx = (1\n%2)\ny = (3\n!= 4)\n!ls -l\n"
    plain = python_source(cell)
    assert plain.split("\n")[0] == "get_ipython().run_line_magic('matplotlib', 'inline')"
    assert "%2)" in plain and "!= 4)" in plain and "get_ipython().system('ls -l')" in plain
    ast.parse(plain)


def violations_of(source, name="f"):
    tree = ast.parse(source)
    function = tree.body[0]
    return [(v.rule, v.line) for v in print_violations(name, tree, 1)
            + global_violations(name, function, function, TEMPLATE, 1)]


@pytest.mark.parametrize("source, expected", [
    ("def f(layers_dims):\n    match layers_dims:\n        case [first, *rest]:\n            return first, rest\n"
     "        case {'k': v, **others}:\n            return v, others\n        case (a | a) as whole:\n            return whole",
     []),
    ("def f(layers_dims):\n    show = print\n    show(1)", [("extra-print", 2)]),
    ("def f(layers_dims):\n    import builtins\n    builtins.print(1)", [("extra-print", 3)]),
    ("def f(layers_dims):\n    from builtins import print as p\n    p(1)", [("extra-print", 2)]),
    ("def f(layers_dims):\n    import builtins\n    vars(builtins)['print'](1)", [("extra-print", 3)]),
    ("def f(layers_dims):\n    eval('print(1)')", [("extra-print", 2)]),
    ("def f(layers_dims):\n    exec(f'print({layers_dims})')", [("extra-print", 2)]),
    ("def f(layers_dims):\n    return eval('pri' + 'nt')", []),  # a computed name: no reading of code can see it
    ("def f(layers_dims):\n    return initialize_parameters_he(layers_dims)", [("global-variable", 2)]),
    ("def f(layers_dims):\n    return layer_dims", [("global-variable", 2)]),
    ("def f(layers_dims):\n    return np.zeros(1), get_ipython()", []),
    ("def f(layers_dims):\n    return [n for n in layers_dims if (m := n)] and m", []),
])
def test_names_are_judged_as_python_binds_them(source, expected):
    assert violations_of(source) == expected


def test_a_wrong_typed_or_missing_grade_id_still_finds_the_graded_cells():
    notebook = answered()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["metadata"] = {"nbgrader": {"grade_id": 7}}
    located, violations, notes = check_submission(TEMPLATE, notebook)
    assert list(located) == NAMES and violations == [] and notes == []


def test_broken_markers_are_named(tmp_path):
    notebook = edited(NAMES[0], "# YOUR CODE ENDS HERE", "# YOUR CODE ENDS")
    located, violations, _ = check_submission(TEMPLATE, notebook)
    assert [(v.rule, v.exercise, v.cell) for v in violations] == [
        ("edited-outside-answer", NAMES[0], cell_number(notebook, NAMES[0]))]
    assert "the answer markers are broken" in violations[0].message


def test_an_edited_header_over_the_right_function_is_an_edit_not_a_rename():
    notebook = edited(NAMES[1], f"# GRADED FUNCTION: {NAMES[1]}", "# my random init")
    located, violations, _ = check_submission(TEMPLATE, notebook)
    assert [(v.rule, v.exercise, v.line) for v in violations] == [("edited-outside-answer", NAMES[1], 1)]
    assert f"must stay '# GRADED FUNCTION: {NAMES[1]}'" in violations[0].message and NAMES[1] in located


def test_work_inside_the_region_never_counts_as_an_edit_outside():
    notebook = with_code(NAMES[2], "# thinking...\n\n\nscale = 1  # unused")
    _, violations, notes = check_submission(TEMPLATE, notebook)
    assert violations == [] and notes == []


@pytest.mark.parametrize("cell", ["%matplotlib inline\nimport numpy as np", "x = 1\n%time y = 2\n%config A.b = 'c d'",
                                  "%load_ext autoreload\n%autoreload 2", "%who"])
def test_simple_line_magics_are_rewritten_exactly_as_ipython_does(cell):
    from IPython.core.inputtransformer2 import TransformerManager

    assert python_source(cell).rstrip("\n") == TransformerManager().transform_cell(cell).rstrip("\n")


@pytest.mark.parametrize("old, new, line, what", [
    ("    return parameters", "    return parameters\n    return parameters", 24, "the code 'return parameters' was added"),
    ("\n    return parameters", "", 22, "the code 'return parameters' is missing"),
], ids=["added", "deleted"])
def test_a_last_line_added_or_deleted_is_an_edit_not_a_grader_error(old, new, line, what):
    _, violations, _ = check_submission(TEMPLATE, edited(NAMES[0], old, new))
    assert [(v.rule, v.exercise, v.line) for v in violations] == [("edited-outside-answer", NAMES[0], line)]
    assert what in violations[0].message


def test_line_numbers_count_the_blank_lines_that_ipython_drops():
    tree = ast.parse(python_source("\n  \n!ls\nx = 1"))
    assert [node.lineno for node in tree.body] == [3, 4]


def test_only_the_templates_answer_markers_count():
    own = "    # YOUR CODE STARTS HERE\n    parameters['W9'] = 0\n    # YOUR CODE ENDS HERE\n"
    for old, new in [("    return parameters", own + "    return parameters"),
                     ("    np.random.seed(3)", own + "    np.random.seed(3)")]:
        notebook = edited(NAMES[2], old, new)
        located, violations, _ = check_submission(TEMPLATE, notebook)
        lines = located[NAMES[2]].source.split("\n")
        marker = next(i for i, line in enumerate(lines, start=1) if "parameters['W9']" in line) - 1
        assert [(v.rule, v.exercise, v.line) for v in violations] == [("edited-outside-answer", NAMES[2], marker)]
        assert "answer markers were added" in violations[0].message
    assert check_submission(TEMPLATE, answered())[1] == []


@pytest.mark.parametrize("code, what", [
    ("from init_utils.schemes import custom_initializer\nparameters.update(custom_initializer(10)(layers_dims))",
     "imports init_utils.schemes"),
    ("import init_utils.schemes as s", "imports init_utils.schemes"),
    ("history = train", "uses train, a helper of the course"),
    ("initialize_parameters_random_test(print)", "uses initialize_parameters_random_test, a helper of the course"),
], ids=["from-import", "import", "notebook name", "self-check"])
def test_the_course_helpers_are_not_for_graded_functions(code, what):
    notebook = with_code(NAMES[1], code)
    _, violations, _ = check_submission(TEMPLATE, notebook)
    helper = [v for v in violations if v.rule == "course-helper"]
    assert [(v.exercise, v.message.split(":")[0]) for v in helper] == [(NAMES[1], what)]


def test_numpy_and_the_standard_library_stay_allowed():
    notebook = with_code(NAMES[1], "import math, scipy, sys\nfrom numpy import sqrt\n"  # plain imports: no dynamic-import
                                   "scale = math.sqrt(np.float64(4)) * plt.rcParams['lines.linewidth'] * 0 * sys.maxsize")
    assert check_submission(TEMPLATE, notebook)[1] == []


REDEFINED = {
    "a def in an if": ("if True:\n    def initialize_parameters_he(layers_dims, scale=1):\n        return {}",
                       "initialize_parameters_he(layers_dims, scale=1) must keep its parameters"),
    "a def in a try": ("try:\n    pass\nexcept Exception:\n    pass\nelse:\n"
                       "    def initialize_parameters_he(layers_dims, seed=3):\n        return {}",
                       "initialize_parameters_he(layers_dims, seed=3) must keep its parameters"),
    "a lambda": ("initialize_parameters_he = lambda layers_dims, seed=3: {}", "binds initialize_parameters_he to"),
    "a class": ("class initialize_parameters_he:\n    pass", "to something else (a class)"),
    "an import": ("from json import loads as initialize_parameters_he", "to something else (from json import"),
}


@pytest.mark.parametrize("code, message", REDEFINED.values(), ids=list(REDEFINED))
def test_changed_signature_judges_the_binding_that_runs_last(code, message):
    notebook = edited(NAMES[2], "    return parameters", "    return parameters\n\n" + code + "\n")
    _, violations, _ = check_submission(TEMPLATE, notebook)
    signature = [v for v in violations if v.rule == "changed-signature"]
    lines = code.split("\n")
    where = next(i for i, line in enumerate(lines) if "initialize_parameters_he" in line)
    assert len(signature) == 1 and message in signature[0].message, violations
    source = check_submission(TEMPLATE, notebook)[0][NAMES[2]].source.split("\n")
    assert source[signature[0].line - 1].strip() == lines[where].strip()


def test_a_graded_function_that_can_replace_itself_breaks_changed_signature():
    code = ("global initialize_parameters_he\n"
            "initialize_parameters_he = lambda layers_dims, seed=3: {}")
    _, violations, _ = check_submission(TEMPLATE, with_code(NAMES[2], code))
    assert [(v.rule, v.exercise) for v in violations] == [("changed-signature", NAMES[2])]
    assert "`global initialize_parameters_he` lets a call replace the graded function" in violations[0].message


def test_a_second_definition_with_the_same_parameters_is_judged_as_the_one_that_runs():
    code = "if True:\n    def initialize_parameters_he(layers_dims):\n        return {'W1': scale}"
    notebook = edited(NAMES[2], "    return parameters", "    return parameters\n\n" + code + "\n")
    _, violations, _ = check_submission(TEMPLATE, notebook)
    assert sorted(v.rule for v in violations) == ["edited-outside-answer", "global-variable"]


# ---- ADVERSARY3 #7: blank, whitespace-only and comment lines above the header cost nothing, and messages agree


@pytest.mark.parametrize("above, note", [("    \n", None), ("\t \n\n", None), ("# He: for ReLU\n", 1),
                                         ("\n# note\n   \n", 2)],
                         ids=["spaces", "tab and blank", "comment", "blank comment spaces"])
@pytest.mark.parametrize("metadata", [True, False], ids=["metadata", "no metadata"])
def test_lines_above_the_graded_function_header_cost_nothing(above, note, metadata):
    notebook = answered()
    cell = notebook["cells"][cell_number(notebook, NAMES[2]) - 1]
    cell["source"] = above + text(cell)
    for each in notebook["cells"] if not metadata else []:
        each["metadata"] = {}
    located, violations, notes = check_submission(TEMPLATE, notebook)
    assert violations == [] and list(located) == NAMES
    assert [(n.rule, n.exercise, n.line) for n in notes] == ([("cosmetic-edit", NAMES[2], note)] if note else [])


@pytest.mark.parametrize("metadata", [True, False], ids=["metadata", "no metadata"])
def test_an_edited_header_is_one_edit_not_a_cosmetic_edit_nor_a_cell_defined_elsewhere(metadata):
    notebook = edited(NAMES[2], f"# GRADED FUNCTION: {NAMES[2]}", "# He: for ReLU")
    for cell in notebook["cells"] if not metadata else []:
        cell["metadata"] = {}
    located, violations, notes = check_submission(TEMPLATE, notebook)
    number = cell_number(answered(), NAMES[2])
    assert [(v.rule, v.exercise, v.cell, v.line) for v in violations] == [
        ("edited-outside-answer", NAMES[2], number, 1)] and notes == [] and located[NAMES[2]].cell == number


# ---- ADVERSARY3 #14: messages that say what happened and how to fix it


def test_a_module_imported_in_the_import_cell_gets_the_hint_to_import_it_inside_the_function():
    notebook = answered()
    imports = notebook["cells"][cell_number(notebook, "imports") - 1]
    imports["source"] = "import math\n" + text(imports)
    notebook = edited(NAMES[2], "np.sqrt(2 / layers_dims[l - 1])", "math.sqrt(2 / layers_dims[l - 1])", notebook)
    _, violations, _ = check_submission(TEMPLATE, notebook)
    read = [v for v in violations if v.exercise == NAMES[2]]
    assert [v.rule for v in read] == ["global-variable"]
    assert read[0].message == (f"{NAMES[2]} reads `math`, a module the template does not import: the grader runs the "
                               "template's import cell, not yours. Write `import math` inside the function, or use np.sqrt.")


def test_display_in_an_answer_is_extra_output_not_a_notebook_variable():
    _, violations, _ = check_submission(TEMPLATE, with_code(NAMES[0], "display(parameters)"))
    assert [(v.rule, v.exercise) for v in violations] == [("extra-print", NAMES[0])]
    assert violations[0].message.startswith("display in a graded cell: remove it")

