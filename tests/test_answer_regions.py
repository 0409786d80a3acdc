import pytest

from instructor_tools.answer_regions import check_graded, graded_name, placeholder, regions, strip_solutions
from instructor_tools.grading.rules import load_template
from instructor_tools.notebook_files import read_notebook
from instructor_tools.template import student_template

CELL = """# GRADED FUNCTION: f

def f(layers_dims):
    parameters = {}
    for l in range(1, 3):
        # YOUR CODE STARTS HERE
        ### BEGIN SOLUTION
        parameters[l] = l
        ### END SOLUTION
        # YOUR CODE ENDS HERE
    return parameters"""


def test_graded_name_reads_the_first_line_only():
    assert graded_name(CELL) == "f"
    assert graded_name("x = 1\n# GRADED FUNCTION: g") is None


def test_strip_solutions_leaves_the_placeholder_at_the_same_indent():
    stripped = strip_solutions(CELL, "f")
    assert "parameters[l] = l" not in stripped and "SOLUTION" not in stripped
    assert f"        {placeholder('f')}" in stripped.split("\n")
    check_graded(CELL, "f", solved=True)
    check_graded(stripped, "f", solved=False)


def test_placeholder_is_valid_python_that_says_what_to_do():
    namespace = {}
    exec(strip_solutions(CELL, "f"), namespace)
    with pytest.raises(NotImplementedError, match="replace this line with your code"):
        namespace["f"]([1, 2, 3])


@pytest.mark.parametrize("broken, message", [
    ("# YOUR CODE STARTS HERE\nx = 1", "never closed"),
    ("x = 1\n# YOUR CODE ENDS HERE", "without"),
    ("# YOUR CODE STARTS HERE\n# YOUR CODE STARTS HERE\n# YOUR CODE ENDS HERE", "again before"),
])
def test_unbalanced_markers_are_reported_with_their_line(broken, message):
    with pytest.raises(ValueError, match=message):
        regions(broken)


def test_an_invisible_character_in_a_marker_is_named_on_its_own_line():
    broken = CELL.replace("# YOUR CODE STARTS HERE", "# YOUR CODE\u200b STARTS HERE")
    with pytest.raises(ValueError, match=r"^line 6: '# YOUR CODE STARTS HERE' holds an invisible or unusual character "
                                         r"\(U\+200B ZERO WIDTH SPACE\)"):
        regions(broken)


@pytest.mark.parametrize("broken, message", [
    (strip_solutions(CELL, "f").replace(f"        {placeholder('f')}\n", ""), "placeholder line .* once"),
    (strip_solutions(CELL, "f").replace("# YOUR CODE ENDS HERE\n", f"# YOUR CODE ENDS HERE\n    {placeholder('f')}\n"),
     r"found on lines: 7, 9"),
    (CELL, "line 7: '### BEGIN SOLUTION' in a student notebook"),
    (strip_solutions(CELL, "f").replace("# YOUR CODE STARTS", "# YOUR CODE START"), "'# YOUR CODE START HERE' is not typed"),
], ids=["no-placeholder", "placeholder-outside", "solution-left", "mistyped-marker"])
def test_a_template_cell_must_hold_one_placeholder_in_one_answer_region(broken, message):
    with pytest.raises(ValueError, match=message):
        check_graded(broken, "f", solved=False)


@pytest.mark.parametrize("old, new", [
    ("        # YOUR CODE STARTS HERE\n", ""),
    ("# YOUR CODE STARTS HERE", "# YOUR CODE START HERE"),
], ids=["marker-stripped-with-the-solution", "mistyped-marker"])
def test_the_grader_refuses_a_template_with_broken_markers(tmp_path, old, new):
    template = read_notebook(student_template())
    he = next(c for c in template["cells"] if graded_name("".join(c["source"])) == "initialize_parameters_he")
    he["source"] = "".join(he["source"]).replace(old, new)
    with pytest.raises(ValueError, match=r"^the template's cell \d+ \(initialize_parameters_he\) is broken: line \d+: .*"
                                         "make release"):
        load_template(template)
