"""What a self-check prints: a pass says what it tried, counted from the cases; a report says where it failed."""
from public_tests.exercises import EXERCISES, GRADER_CASES
from public_tests.initializer_checks import passed, report


def test_a_pass_counts_the_cases_it_was_given():
    exercise = EXERCISES["random"]._replace(cases=([3, 2, 1], [4, 1]))
    assert passed(exercise, exercise.cases, False).splitlines()[0] == (
        "All public checks passed (2 layer shapes, 2 seeds each); the grader also tries deeper and wider networks.")
    assert passed(exercise, exercise.cases + GRADER_CASES, True) == (
        f"All public checks and the grader's extra cases passed ({2 + len(GRADER_CASES)} layer shapes, 2 seeds each).")


def test_a_pass_tells_how_to_run_the_graders_cases():
    exercise = EXERCISES["zeros"]
    assert passed(exercise, exercise.cases, False).splitlines()[1] == (
        "To try them too: initialize_parameters_zeros_test(initialize_parameters_zeros, grader_cases=True)")


def test_a_report_names_the_case_each_problem_and_the_rule():
    exercise = EXERCISES["he"]
    lines = report(exercise, [3, 64, 1], ["W1 is wrong.", "W2 is wrong."], grader_case=True).splitlines()
    assert lines[0] == "initialize_parameters_he([3, 64, 1]) is not right yet (one of the grader's extra cases):"
    assert lines[1:3] == ["  - W1 is wrong.", "  - W2 is wrong."] and lines[3] == f"Expected: {exercise.rule}."

