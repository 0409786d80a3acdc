"""Scenarios for grade_submission: exact verdicts for broken rules, odd but correct code and bad files.

Hostile code and forged scores: test_grader_hostile.py.
"""
import csv
import json
import os
import subprocess
import sys

import pytest

from fixtures.grading.builders import (HE_ANSWER, ISOLATED, NAMES, TEMPLATE, answered, cell_number, edited, line_of,
                                       rules, scores, with_code, write)
from notebook_tools import text
from instructor_tools.grading.cli import main
from instructor_tools.grading.grader import grade_submission, read_submission
from instructor_tools.grading.limits import MAX_TOTAL_CODE_CHARS
from instructor_tools.notebook_files import NotebookError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTION = os.path.join(ROOT, "notebooks", "source", "Initialization_solution.ipynb")
GRADE = [sys.executable, "-m", "public_tests.grade"]
BATCH_ISOLATION = [] if ISOLATED else ["--isolation", "off"]  # a batch refuses to run unisolated unless told


def grade(tmp_path, notebook, name="submission.ipynb", **options):
    path = write(tmp_path, notebook, name)
    options.setdefault("timeout", 30)
    return grade_submission(path, TEMPLATE, **options)


def feedback(verdict):
    return [e["feedback"] for e in verdict["exercises"]]


# ---- the rules -------------------------------------------------------------------------------


def test_correct_submission_scores_full_marks(tmp_path):
    verdict = grade(tmp_path, answered())
    assert verdict["score"] == 3 and verdict["max_score"] == 3 and verdict["error"] is None
    assert verdict["violations"] == [] and verdict["notes"] == []
    assert feedback(verdict) == ["All checks passed."] * 3


def test_extra_print_in_graded_cell_scores_zero_and_names_the_line(tmp_path):
    notebook = edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(parameters)")
    verdict = grade(tmp_path, notebook)
    he = cell_number(notebook, NAMES[2])
    assert rules(verdict) == [("extra-print", NAMES[2], he, line_of(notebook, NAMES[2], "print(parameters)"))]
    assert scores(verdict) == [1, 1, 0]
    assert verdict["exercises"][2]["feedback"].startswith("Scored 0: broke rule extra-print")


def test_lenient_grades_the_exercise_and_keeps_the_rule_as_a_warning(tmp_path):
    notebook = edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(parameters)")
    verdict = grade(tmp_path, notebook, lenient=True)
    assert scores(verdict) == [1, 1, 1] and [r[0] for r in rules(verdict)] == ["extra-print"]


def test_extra_code_cell_is_named_with_its_cell_number(tmp_path):
    notebook = answered()
    notebook["cells"].insert(5, {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
                                 "execution_count": None})
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("extra-cell", None, 6, None)]
    assert scores(verdict) == [1, 1, 1]


def test_empty_extra_cell_is_ignored(tmp_path):
    notebook = answered()
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "source": "", "outputs": [], "execution_count": None})
    assert grade(tmp_path, notebook)["violations"] == []


def test_changed_signature_is_named_once_at_the_def_line(tmp_path):
    notebook = edited(NAMES[0], "def initialize_parameters_zeros(layers_dims):",
                      "def initialize_parameters_zeros(layers_dims, scale=0):")
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("changed-signature", NAMES[0], cell_number(notebook, NAMES[0]), 3)]
    assert scores(verdict) == [0, 1, 1]
    assert "must keep its parameters as given: initialize_parameters_zeros(layers_dims)" in feedback(verdict)[0]


def test_global_variable_suggests_the_parameter(tmp_path):
    notebook = edited(NAMES[1], "np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10",
                      "np.random.randn(layer_dims[l], layers_dims[l - 1]) * 10")
    verdict = grade(tmp_path, notebook)
    line = line_of(notebook, NAMES[1], "layer_dims[l]")
    assert rules(verdict) == [("global-variable", NAMES[1], cell_number(notebook, NAMES[1]), line)]
    assert "did you mean the parameter `layers_dims`?" in verdict["violations"][0]["message"].lower()
    assert scores(verdict) == [1, 0, 1]


def test_reading_a_notebook_global_is_flagged(tmp_path):
    notebook = edited(NAMES[0], "np.zeros((layers_dims[l], 1))", "np.zeros((layers_dims[l], 1)) * train_X.shape[0] * 0")
    assert rules(grade(tmp_path, notebook))[0][:2] == ("global-variable", NAMES[0])


def test_edit_outside_the_answer_region_names_the_line(tmp_path):
    notebook = edited(NAMES[2], "np.random.seed(3)", "np.random.seed(30)")
    verdict = grade(tmp_path, notebook)
    line = line_of(notebook, NAMES[2], "np.random.seed(30)")
    assert rules(verdict) == [("edited-outside-answer", NAMES[2], cell_number(notebook, NAMES[2]), line)]
    assert "expected 'np.random.seed(3)" in verdict["violations"][0]["message"]
    assert scores(verdict) == [1, 1, 0]


def test_return_moved_into_the_loop_is_a_code_edit(tmp_path):
    notebook = edited(NAMES[0], "    return parameters", "        return parameters")
    verdict = grade(tmp_path, notebook)
    line = line_of(notebook, NAMES[0], "return parameters")
    assert rules(verdict) == [("edited-outside-answer", NAMES[0], cell_number(notebook, NAMES[0]), line)]
    assert scores(verdict) == [0, 1, 1]


def test_deleted_graded_cell_is_missing(tmp_path):
    notebook = answered()
    del notebook["cells"][cell_number(notebook, NAMES[1]) - 1]
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("missing-cell", NAMES[1], None, None)]
    assert scores(verdict) == [1, 0, 1]


def test_split_graded_cell_is_missing(tmp_path):
    notebook = answered()
    index = cell_number(notebook, NAMES[0]) - 1
    lines = text(notebook["cells"][index]).split("\n")
    first, second = dict(notebook["cells"][index]), dict(notebook["cells"][index])
    first["source"], second["source"] = "\n".join(lines[:20]), "\n".join(lines[20:])
    notebook["cells"][index:index + 1] = [first, second]
    verdict = grade(tmp_path, notebook)
    assert ("missing-cell", NAMES[0], index + 1, None) in rules(verdict)
    assert scores(verdict)[0] == 0 and "split" in feedback(verdict)[0]


def test_moved_graded_cell_is_missing(tmp_path):
    notebook = answered()
    index = cell_number(notebook, NAMES[0]) - 1
    check = cell_number(notebook, NAMES[0] + "_test") - 1
    cell = notebook["cells"].pop(index)
    notebook["cells"].insert(check, cell)  # now just below its self-check
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("missing-cell", NAMES[0], check + 1, None)]
    assert "was moved" in feedback(verdict)[0]


def test_renamed_function_is_named(tmp_path):
    notebook = edited(NAMES[2], "def initialize_parameters_he(layers_dims):", "def init_he(layers_dims):")
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("renamed-function", NAMES[2], cell_number(notebook, NAMES[2]), 3)]
    assert "defines init_he instead of initialize_parameters_he" in feedback(verdict)[2]


def test_wrong_answer_gets_the_self_check_diagnosis_on_hidden_cases(tmp_path):
    notebook = edited(NAMES[2], "np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(1 / layers_dims[l - 1])")
    verdict = grade(tmp_path, notebook)
    assert verdict["violations"] == [] and scores(verdict) == [1, 1, 0]
    assert "Xavier" in feedback(verdict)[2]


def test_answer_that_only_fits_the_public_cases_fails_on_hidden_ones(tmp_path):
    notebook = edited(NAMES[0], 'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))',
                      'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1])) if layers_dims[0] < 8 else 0')
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [0, 1, 1] and "[12, 20, 15, 9, 4, 1]" in feedback(verdict)[0]


def test_unseeded_answer_is_told_the_seed_is_missing(tmp_path):
    notebook = edited(NAMES[2], "np.random.seed(3)  #", "pass  #")  # outside the answer: also a code edit
    verdict = grade(tmp_path, notebook, lenient=True)
    assert scores(verdict) == [1, 1, 0] and "the seed is missing" in feedback(verdict)[2]


FIDELITY = {
    "first call only": (NAMES[1], "if l == 1 and hasattr(initialize_parameters_random, 'seen'):\n    np.random.seed(4)\n"
                                  "initialize_parameters_random.seen = True"),
    "unseeded": (NAMES[2], "np.random.seed(l + int(np.random.randint(100)))"),
    "float32": (NAMES[2], HE_ANSWER + ".astype(np.float32)\ncontinue"),
    "list returned": (NAMES[0], "return [1, 2]"),
    "matrix": (NAMES[0], "parameters['W' + str(l)] = np.matrix(np.zeros((layers_dims[l], layers_dims[l - 1])))\n"
                         "parameters['b' + str(l)] = np.zeros((layers_dims[l], 1))\ncontinue"),
    "int keys": (NAMES[0], "parameters[l] = np.zeros((layers_dims[l], layers_dims[l - 1]))\ncontinue"),
    "tuple to randn": (NAMES[1], "np.random.randn((layers_dims[l], layers_dims[l - 1]))"),
    "own NotImplementedError": (NAMES[1], "raise NotImplementedError('later')"),
    "changes layers_dims": (NAMES[0], "layers_dims[0] = 99"),
    "second call raises": (NAMES[2], "if hasattr(initialize_parameters_he, 'seen'):\n    raise ValueError('again')\n"
                                     "initialize_parameters_he.seen = True"),
}


def in_process_self_check(notebook, name):
    """Run ``name``'s cell of ``notebook`` here, as the notebook does, and return the self-check's (failed, problems)."""
    from instructor_tools.grading.code_compare import python_source
    from public_tests.initializer_checks import EXERCISES, GRADER_CASES, first_failure, observe
    import linecache
    import numpy as np

    cell = notebook["cells"][cell_number(notebook, name) - 1]
    source = python_source(text(cell))
    linecache.cache["<cell>"] = (len(source), None, source.splitlines(True), "<cell>")  # as IPython does
    namespace = {"np": np}
    exec(compile(source, "<cell>", "exec"), namespace)
    exercise = next(e for e in EXERCISES.values() if e.name == name)
    return first_failure(exercise, exercise.cases + GRADER_CASES, lambda d: observe(namespace[name], d))


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, run in-process on purpose
@pytest.mark.parametrize("name, code", FIDELITY.values(), ids=list(FIDELITY))
def test_sandbox_verdict_equals_the_in_process_self_check(tmp_path, name, code):
    notebook = with_code(name, code)
    failed, problems = in_process_self_check(notebook, name)
    assert problems, "the fixture must be wrong"
    layers_dims = list(failed.layers_dims)
    verdict = grade(tmp_path, notebook)
    index = NAMES.index(name)
    assert verdict["exercises"][index]["feedback"] == f"{name}({layers_dims}): " + " ".join(problems)
    assert scores(verdict)[index] == 0 and verdict["error"] is None and verdict["violations"] == []


def test_numpy_numbers_written_back_into_layers_dims_pass_as_they_do_in_the_self_check(tmp_path):
    notebook = with_code(NAMES[2], "layers_dims[l] = np.int64(layers_dims[l])")
    notebook = with_code(NAMES[0], "layers_dims[l - 1] = np.int32(layers_dims[l - 1])", notebook)
    assert in_process_self_check(notebook, NAMES[2])[1] == in_process_self_check(notebook, NAMES[0])[1] == []
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["error"]) == ([1, 1, 1], [], None)


# ---- 1. cosmetic edits cost nothing ---------------------------------------------------------------


def test_trailing_newline_after_return_is_free_and_silent(tmp_path):
    notebook = edited(NAMES[2], "    return parameters", "    return parameters\n\n")
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["notes"]) == ([1, 1, 1], [], [])


def test_blank_line_added_outside_the_region_is_a_free_note(tmp_path):
    notebook = edited(NAMES[1], "    parameters = {}\n", "    parameters = {}\n\n")
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 1] and verdict["violations"] == []
    cell = cell_number(notebook, NAMES[1])
    assert rules(verdict, "notes") == [("cosmetic-edit", NAMES[1], cell, line_of(notebook, NAMES[1], "parameters = {}") + 1)]


def test_deleted_hint_comment_is_a_free_note(tmp_path):
    notebook = edited(NAMES[0], "        # (about 2 lines of code)\n", "")
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 1] and verdict["violations"] == []
    assert [n[0] for n in rules(verdict, "notes")] == ["cosmetic-edit"]


def test_cell_reindented_with_tabs_is_graded_normally(tmp_path):
    notebook = answered()
    cell = notebook["cells"][cell_number(notebook, NAMES[2]) - 1]
    lines = []
    for line in text(cell).split("\n"):
        stripped = line.lstrip(" ")
        lines.append("\t" * ((len(line) - len(stripped)) // 4) + stripped)
    cell["source"] = "\n".join(lines)
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 1] and verdict["violations"] == []
    assert [n[:3] for n in rules(verdict, "notes")] == [("cosmetic-edit", NAMES[2], cell_number(notebook, NAMES[2]))]


def test_crlf_notebook_has_no_findings(tmp_path):
    notebook = answered()
    for cell in notebook["cells"]:
        cell["source"] = text(cell).replace("\n", "\r\n")
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["notes"]) == ([1, 1, 1], [], [])


def test_edited_docstring_is_a_free_note(tmp_path):
    notebook = edited(NAMES[0], "Build parameters filled with zeros.", "Build parameters filled with zeros (my notes).")
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 1] and verdict["violations"] == []
    assert rules(verdict, "notes") == [("cosmetic-edit", NAMES[0], cell_number(notebook, NAMES[0]),
                                        line_of(notebook, NAMES[0], "(my notes)"))]


@pytest.mark.parametrize("statement", ['f"{np.random.seed(0)}"', 'rF"""{np.random.seed(0)}"""', '"a" f"{np.random.seed(0)}"'])
def test_an_f_string_statement_outside_the_answer_is_code_not_a_docstring(tmp_path, statement):
    notebook = edited(NAMES[2], "    parameters = {}", f"    {statement}\n    parameters = {{}}")
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 0] and rules(verdict, "notes") == []
    assert [v[:2] for v in rules(verdict, "violations")] == [("edited-outside-answer", NAMES[2])]


def test_comment_added_in_a_read_only_cell_is_a_free_note(tmp_path):
    notebook = answered()
    index = next(i for i, c in enumerate(notebook["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == "model")
    notebook["cells"][index]["source"] = "# my note\n" + text(notebook["cells"][index])
    verdict = grade(tmp_path, notebook)
    assert verdict["violations"] == [] and rules(verdict, "notes") == [("cosmetic-edit", None, index + 1, 1)]


# ---- 2. correct Python is never misjudged --------------------------------------------------------


def test_match_case_capture_names_are_locals(tmp_path):
    notebook = edited(NAMES[2], HE_ANSWER, "match layers_dims[l - 1]:\n"
                                           "            case 0:\n                raise ValueError('empty layer')\n"
                                           "            case n_prev:\n"
                                           '                parameters["W" + str(l)] = np.random.randn(layers_dims[l], n_prev) '
                                           "* np.sqrt(2 / n_prev)")
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"]) == ([1, 1, 1], [])


def test_continuation_lines_starting_with_percent_or_not_equal_run_as_python(tmp_path):
    notebook = edited(NAMES[2], HE_ANSWER, "scale = (np.sqrt(2 / layers_dims[l - 1])\n"
                                           "%1e9)\n"
                                           "        assert (layers_dims[l]\n"
                                           "!= 0)\n"
                                           '        parameters["W" + str(l)] = '
                                           'np.random.randn(layers_dims[l], layers_dims[l - 1]) * scale')
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["error"]) == ([1, 1, 1], [], None)


def test_magic_inside_the_answer_is_read_as_ipython_does(tmp_path):
    notebook = with_code(NAMES[0], "%time x = 1")
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["error"]) == ([1, 1, 1], [], None)


@pytest.mark.parametrize("code, how", [
    ("show = print\nshow(l)", ""),
    ("import builtins\nbuiltins.print(l)", " (builtins.print)"),
    ("getattr(__builtins__, 'print')(l)", " (getattr(..., 'print'))"),
], ids=["alias", "builtins", "getattr"])
def test_print_through_an_alias_is_extra_print(tmp_path, code, how):
    notebook = with_code(NAMES[1], code)
    verdict = grade(tmp_path, notebook)
    assert [v[:2] for v in rules(verdict)] == [("extra-print", NAMES[1])]
    assert verdict["violations"][0]["message"].startswith(f"print in a graded cell{how}:")
    assert scores(verdict) == [1, 0, 1]


def test_calling_another_graded_function_is_a_global_variable(tmp_path):
    notebook = with_code(NAMES[2], "zeros = initialize_parameters_zeros(layers_dims)")
    verdict = grade(tmp_path, notebook)
    line = line_of(notebook, NAMES[2], "zeros = initialize_parameters_zeros")
    assert rules(verdict) == [("global-variable", NAMES[2], cell_number(notebook, NAMES[2]), line)]
    assert "calls initialize_parameters_zeros, another graded function" in verdict["violations"][0]["message"]
    assert scores(verdict) == [1, 1, 0]


# ---- 3. every input gets a verdict or a clear error ----------------------------------------------


ERRORS = [
    ("{not json", "invalid JSON"),
    ('{"nbformat": 4}', "has no list of cells"),
    ("print('hello')\n", "invalid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "empty notebook"),
    (json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "def f(x):\n    return x", "outputs": []}],
                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "is not the Initialization assignment"),
    (b"\xff\xfe{}", "not UTF-8"),
]


@pytest.mark.parametrize("content, message", ERRORS, ids=[m for _, m in ERRORS])
def test_unusable_file_gets_a_clear_error_and_zero(tmp_path, content, message):
    verdict = grade(tmp_path, content)
    assert message in verdict["error"] and verdict["score"] == 0 and len(verdict["exercises"]) == 3


def test_null_in_a_cell_source_is_a_clear_error(tmp_path):
    notebook = answered()
    number = cell_number(notebook, NAMES[1])
    notebook["cells"][number - 1]["source"] = ["# GRADED FUNCTION: initialize_parameters_random\n", None]
    verdict = grade(tmp_path, notebook)
    assert verdict["score"] == 0
    assert f"cell {number} has a source whose item 2 is null, not text" in verdict["error"]


def test_grade_id_of_the_wrong_type_is_ignored(tmp_path):
    notebook = answered()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["metadata"]["nbgrader"]["grade_id"] = ["not", "a", "string"]
    notebook["cells"][0]["metadata"] = "not an object"
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"]) == ([1, 1, 1], [])


def test_lone_surrogates_give_printable_verdicts(tmp_path):
    notebook = with_code(NAMES[2], "raise ValueError('\\udcff')")  # the escape makes a lone surrogate at run time
    notebook = with_code(NAMES[1], "# \ud800 a lone surrogate in the source itself", notebook)
    notebook["cells"][0]["source"] = "A markdown cell with \udfff in it."
    path = write(tmp_path, notebook)
    for extra in ([], ["--json"]):
        done = subprocess.run(GRADE + [str(path), "--timeout", "30"] + extra, capture_output=True, cwd=ROOT)
        assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    verdict = json.loads(done.stdout)
    assert scores(verdict) == [1, 0, 0]
    assert feedback(verdict)[1].startswith("Not graded: raised UnicodeEncodeError: 'utf-8' codec can't encode "
                                           "character '\\ud800' in position ")
    assert feedback(verdict)[2] == ("initialize_parameters_he([2, 4, 1]): initialize_parameters_he raised ValueError: "
                                    "\\udcff (at: raise ValueError('\\udcff')).")


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e9", "soon"])
def test_timeout_must_be_a_finite_positive_number(tmp_path, value):
    path = write(tmp_path, answered())
    done = subprocess.run(GRADE + [str(path), "--timeout", value], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "--timeout" in done.stderr and "Traceback" not in done.stderr


# ---- the gradebook -----------------------------------------------------------------------------------


def test_a_pipe_or_device_named_like_a_notebook_gets_a_verdict_without_blocking(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    os.mkfifo(folder / "fifo.ipynb")
    os.symlink("/dev/zero", folder / "zero.ipynb")
    write(folder, answered(), "alice.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "30", *BATCH_ISOLATION]) == 0
    rows = {row["file"]: row for row in csv.DictReader(gradebook.open())}
    assert rows["alice.ipynb"]["score"] == "3"
    assert rows["fifo.ipynb"]["score"] == "0" and "is not a regular file" in rows["fifo.ipynb"]["error"]
    assert rows["zero.ipynb"]["score"] == "0" and "is a symbolic link" in rows["zero.ipynb"]["error"]


# ---- the red team's findings ---------------------------------------------------------------------


def test_a_symlink_is_refused_without_saying_where_it_points(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = write(elsewhere, answered(), "solved.ipynb")
    folder = tmp_path / "class"
    folder.mkdir()
    os.symlink(real, folder / "mallory.ipynb")
    os.symlink(tmp_path / "no-such-file.ipynb", folder / "dangling.ipynb")
    os.symlink("loop.ipynb", folder / "loop.ipynb")
    write(folder, answered(), "alice.ipynb")
    verdict = grade_submission(folder / "mallory.ipynb", TEMPLATE, timeout=30)
    assert verdict["score"] == 0 and verdict["error"] == (
        f"{folder / 'mallory.ipynb'} is a symbolic link, not a notebook; the grader reads only regular files. "
        "Submit the notebook file itself.")
    gradebook = tmp_path / "gradebook.csv"
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "30", *BATCH_ISOLATION]) == 0
    rows = {row["file"]: row for row in csv.DictReader(gradebook.open())}
    assert rows["alice.ipynb"]["score"] == "3"
    errors = {name: rows[name]["error"] for name in ("mallory.ipynb", "dangling.ipynb", "loop.ipynb")}
    assert all(rows[name]["score"] == "0" for name in errors)
    assert {e.split(" is ", 1)[1] for e in errors.values()} == {
        "a symbolic link, not a notebook; the grader reads only regular files. Submit the notebook file itself."}


def test_timing_magics_on_an_answer_line_behave_as_in_jupyter(tmp_path):
    # IPython runs %time and %timeit in the function's own scope, and %prun in the notebook's:
    # there the function's locals do not exist, so Jupyter raises NameError, and so does the grader.
    notebook = edited(NAMES[0], 'parameters["W" + str(l)] = np.zeros', '%time parameters["W" + str(l)] = np.zeros')
    notebook = edited(NAMES[1], 'parameters["W" + str(l)] = np.random.randn',
                      '%timeit -n1 -r1 parameters["W" + str(l)] = np.random.randn', notebook)
    notebook = edited(NAMES[2], HE_ANSWER, "%prun -q " + HE_ANSWER, notebook)
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["error"]) == ([1, 1, 0], [], None)
    assert "raised NameError: name 'layers_dims' is not defined" in feedback(verdict)[2]


def test_timeit_runs_its_statement_as_often_as_its_options_say(tmp_path):
    code = "counter = []\n%timeit -n3 -r2 counter.append(1)\nassert len(counter) == 6, counter"
    verdict = grade(tmp_path, with_code(NAMES[1], code))
    assert (scores(verdict), verdict["error"]) == ([1, 1, 1], None)


def test_numpy_string_keys_pass_as_they_do_in_the_self_check(tmp_path):
    notebook = edited(NAMES[2], 'parameters["W" + str(l)] =', 'parameters[np.str_("W" + str(l))] =')
    verdict = grade(tmp_path, notebook)
    assert (scores(verdict), verdict["violations"], verdict["error"]) == ([1, 1, 1], [], None)


def test_answer_markers_added_by_the_learner_do_not_make_a_new_answer_region(tmp_path):
    notebook = edited(NAMES[2], "    return parameters", "    # YOUR CODE STARTS HERE\n    parameters['W1'] = "
                      "parameters['W1'] * 1\n    # YOUR CODE ENDS HERE\n    return parameters")
    verdict = grade(tmp_path, notebook)
    line = line_of(notebook, NAMES[2], "parameters['W1'] * 1") - 1
    assert rules(verdict) == [("edited-outside-answer", NAMES[2], cell_number(notebook, NAMES[2]), line)]
    assert scores(verdict) == [1, 1, 0]


def test_an_array_of_many_dimensions_or_huge_empty_gets_the_shape_message(tmp_path):
    code = "return {'W1': np.zeros((1,) * 9), 'b1': np.zeros((0, 2_000_000)), 'W2': np.zeros((1, 4)), 'b2': np.zeros((1, 1))}"
    verdict = grade(tmp_path, with_code(NAMES[2], code))
    assert (scores(verdict), verdict["error"]) == ([1, 1, 0], None)
    assert feedback(verdict)[2] == ("initialize_parameters_he([2, 4, 1]): W1 has shape (1, 1, 1, 1, 1, 1, 1, 1, 1); "
                                    "it must be (4, 2). b1 has shape (0, 2000000); it must be (4, 1).")


def test_eval_or_vars_of_builtins_reaching_print_is_extra_print(tmp_path):
    notebook = with_code(NAMES[1], "import builtins\nvars(builtins)['print'](l)")
    notebook = with_code(NAMES[2], "eval('print(l)')", notebook)
    notebook = with_code(NAMES[0], "exec('blueprint = l')", notebook)  # a word that only contains "print"
    verdict = grade(tmp_path, notebook)
    assert [v[:2] for v in rules(verdict)] == [("extra-print", NAMES[1]), ("extra-print", NAMES[2])]
    assert scores(verdict) == [1, 0, 0]


@pytest.mark.parametrize("fillers, refused", [(2, False), (4, True)])
def test_code_is_counted_once_against_the_total_limit(tmp_path, fillers, refused):
    notebook = answered()
    filler = "x = 1  # " + "." * 89 + "\n"  # 100 characters a line, 900 lines a cell: under each cell's limits
    notebook["cells"] += [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": filler * 900} for _ in range(fillers)]
    total = sum(len(text(c)) for c in notebook["cells"] if c["cell_type"] == "code")
    assert (total > MAX_TOTAL_CODE_CHARS) == refused and total > MAX_TOTAL_CODE_CHARS / 2
    path = write(tmp_path, notebook)
    if refused:
        with pytest.raises(NotebookError, match="characters of code"):
            read_submission(path)
    else:
        assert read_submission(path)["cells"][-1]["source"]


def test_only_the_graders_own_failure_sets_grader_failed_never_an_error_that_reads_like_one(tmp_path, monkeypatch):
    from instructor_tools.grading import grader

    assert grade(tmp_path, "{broken", "grader error.ipynb")["grader_failed"] is False
    monkeypatch.setattr(grader, "check_submission", lambda *arguments: 1 / 0)  # a grader bug
    verdict = grade(tmp_path, answered())
    assert verdict["grader_failed"] is True and verdict["error"] == "grader error: ZeroDivisionError: division by zero"


def test_a_python_without_the_lessons_packages_is_named_with_the_command_to_use(tmp_path):
    import dataclasses

    path = tmp_path / "alice.ipynb"
    path.write_text(json.dumps(answered()), encoding="utf-8")
    missing = dataclasses.replace(TEMPLATE, import_source="import numpy as np\nimport a_package_nobody_installed\n")
    verdict = grade_submission(path, missing)
    assert verdict["grader_failed"] is True and "cell ?" not in verdict["error"]
    assert (f"No module named 'a_package_nobody_installed' at line 2): {sys.executable} lacks a package the notebook "
            "imports; grade with the Python that runs the notebook, e.g. .venv/bin/python -m public_tests.grade"
            in verdict["error"])
