import pytest

from instructor_tools.answer_regions import graded_name, holds_work, placeholder, regions, strip_solutions

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
    assert not holds_work(stripped, "f")


def test_placeholder_is_valid_python_that_says_what_to_do():
    namespace = {}
    exec(strip_solutions(CELL, "f"), namespace)
    with pytest.raises(NotImplementedError, match="replace this line with your code"):
        namespace["f"]([1, 2, 3])


def test_holds_work_sees_code_but_not_comments():
    stripped = strip_solutions(CELL, "f")
    assert holds_work(stripped.replace(placeholder("f"), "parameters[l] = 0"), "f")
    assert not holds_work(stripped.replace(placeholder("f"), "# thinking..."), "f")
    assert holds_work(stripped.replace("# YOUR CODE ENDS HERE", ""), "f")  # broken markers: release keeps it safe


@pytest.mark.parametrize("broken, message", [
    ("# YOUR CODE STARTS HERE\nx = 1", "never closed"),
    ("x = 1\n# YOUR CODE ENDS HERE", "without"),
    ("# YOUR CODE STARTS HERE\n# YOUR CODE STARTS HERE\n# YOUR CODE ENDS HERE", "again before"),
])
def test_unbalanced_markers_are_reported_with_their_line(broken, message):
    with pytest.raises(ValueError, match=message):
        regions(broken)
