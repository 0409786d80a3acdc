"""Scenarios for the grader: exact verdicts for broken rules, hostile code and bad files."""
import csv
import hashlib
import json
import subprocess
import sys

import pytest

from notebook_tools import STUDENT, fill_answers, grade_id, load, text
from public_tests.grade import grade_submission, main
from public_tests.grading import load_template
from public_tests.notebook_files import read_notebook

NAMES = ["initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"]
TEMPLATE = load_template(read_notebook(STUDENT))


def cell_number(notebook, wanted):
    return next(n for n, c in enumerate(notebook["cells"], start=1) if grade_id(c) == wanted)


def line_of(notebook, cell_id, needle):
    lines = text(notebook["cells"][cell_number(notebook, cell_id) - 1]).split("\n")
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def answered():
    return fill_answers(load(STUDENT))


def edited(name, old, new, notebook=None):
    notebook = notebook or answered()
    cell = notebook["cells"][cell_number(notebook, name) - 1]
    assert old in text(cell), old
    cell["source"] = text(cell).replace(old, new, 1)
    return notebook


def grade(tmp_path, notebook, name="submission.ipynb", **options):
    path = tmp_path / name
    path.write_text(notebook if isinstance(notebook, str) else json.dumps(notebook))
    options.setdefault("timeout", 20)
    return grade_submission(path, TEMPLATE, **options)


def scores(verdict):
    return [e["score"] for e in verdict["exercises"]]


def rules(verdict):
    return [(v["rule"], v["exercise"], v["cell"], v["line"]) for v in verdict["violations"]]


HE_ANSWER = 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])'


def test_correct_submission_scores_full_marks(tmp_path):
    verdict = grade(tmp_path, answered())
    assert verdict["score"] == 3 and verdict["max_score"] == 3 and verdict["error"] is None
    assert verdict["violations"] == []
    assert [e["feedback"] for e in verdict["exercises"]] == ["All checks passed."] * 3


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
    assert "must keep its parameters as given: initialize_parameters_zeros(layers_dims)" in verdict["exercises"][0]["feedback"]


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
    assert scores(verdict)[0] == 0 and "split" in verdict["exercises"][0]["feedback"]


def test_moved_graded_cell_is_missing(tmp_path):
    notebook = answered()
    index = cell_number(notebook, NAMES[0]) - 1
    cell = notebook["cells"].pop(index)
    notebook["cells"].insert(index + 1, cell)  # now below its self-check
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("missing-cell", NAMES[0], index + 2, None)]
    assert "was moved" in verdict["exercises"][0]["feedback"]


def test_renamed_function_is_named(tmp_path):
    notebook = edited(NAMES[2], "def initialize_parameters_he(layers_dims):", "def init_he(layers_dims):")
    verdict = grade(tmp_path, notebook)
    assert rules(verdict) == [("renamed-function", NAMES[2], cell_number(notebook, NAMES[2]), 3)]
    assert "defines init_he instead of initialize_parameters_he" in verdict["exercises"][2]["feedback"]


def test_wrong_answer_gets_the_self_check_diagnosis_on_hidden_cases(tmp_path):
    notebook = edited(NAMES[2], "np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(1 / layers_dims[l - 1])")
    verdict = grade(tmp_path, notebook)
    assert verdict["violations"] == [] and scores(verdict) == [1, 1, 0]
    assert "Xavier" in verdict["exercises"][2]["feedback"]


def test_answer_that_only_fits_the_public_cases_fails_on_hidden_ones(tmp_path):
    notebook = edited(NAMES[0], 'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))',
                      'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1])) if layers_dims[0] < 8 else 0')
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [0, 1, 1] and "[12, 20, 15, 9, 4, 1]" in verdict["exercises"][0]["feedback"]


HOSTILE = [
    (NAMES[2], "while True:\n            pass", "timed out after 4 s in initialize_parameters_he", [1, 1, 0]),
    (NAMES[1], "import sys\n        sys.exit()", "called sys.exit()", [1, 0, 1]),
    (NAMES[0], "import os\n        os._exit(3)", "exit code 3", [0, 1, 1]),
    (NAMES[2], "hoard = np.ones(400_000_000)  # 3.2 GB, over the 2 GiB limit", "ran out of memory", [1, 1, 0]),
    (NAMES[1], "import ctypes\n        ctypes.string_at(0)", "crashed (segmentation fault)", [1, 0, 1]),
    (NAMES[0], "raise KeyboardInterrupt", "raised KeyboardInterrupt", [0, 1, 1]),
    (NAMES[2], "open('big.bin', 'wb').write(b'x' * 40_000_000)", "File too large", [1, 1, 0]),
]


@pytest.mark.parametrize("name, code, message, expected", HOSTILE, ids=[m for _, _, m, _ in HOSTILE])
def test_hostile_code_gets_a_verdict_and_other_exercises_are_still_graded(tmp_path, name, code, message, expected):
    kind = name.rsplit("_", 1)[1]
    anchor = {"zeros": 'parameters["W" + str(l)] = np.zeros', "random": 'parameters["W" + str(l)] = np.random.randn',
              "he": HE_ANSWER}[kind]
    notebook = edited(name, anchor, code + "\n        " + anchor)
    path = tmp_path / "hostile.ipynb"
    path.write_text(json.dumps(notebook))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    verdict = grade_submission(path, TEMPLATE, timeout=4)
    assert scores(verdict) == expected
    assert message in verdict["error"], verdict["error"]
    assert message in verdict["exercises"][expected.index(0)]["feedback"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


ERRORS = [
    ("{not json", "invalid JSON"),
    ('{"nbformat": 4}', "has no list of cells"),
    ("print('hello')\n", "invalid JSON"),
    (json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "empty notebook"),
    (json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "def f(x):\n    return x", "outputs": []}],
                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "is not the Initialization assignment"),
]


@pytest.mark.parametrize("content, message", ERRORS, ids=[m for _, m in ERRORS])
def test_unusable_file_gets_a_clear_error_and_zero(tmp_path, content, message):
    verdict = grade(tmp_path, content)
    assert message in verdict["error"] and verdict["score"] == 0 and len(verdict["exercises"]) == 3


def test_json_output_has_the_documented_fields(tmp_path, capsys):
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps(edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(1)")))
    assert main([str(path), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert set(verdict) == {"submission", "score", "max_score", "exercises", "violations", "notes", "error", "isolation"}
    assert set(verdict["exercises"][0]) == {"name", "score", "max_score", "passed", "feedback"}
    assert set(verdict["violations"][0]) == {"rule", "exercise", "cell", "line", "message"}


def test_report_lists_scores_rules_cells_and_lines(tmp_path, capsys):
    path = tmp_path / "s.ipynb"
    notebook = edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(1)")
    path.write_text(json.dumps(notebook))
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    he, line = cell_number(notebook, NAMES[2]), line_of(notebook, NAMES[2], "print(1)")
    assert f"[extra-print] cell {he}, line {line}, initialize_parameters_he" in out and "Total: 2/3" in out


def test_usage_errors_exit_non_zero(tmp_path):
    run = [sys.executable, "-m", "public_tests.grade"]
    missing = subprocess.run(run + [str(tmp_path / "nope.ipynb")], capture_output=True, text=True)
    folder = subprocess.run(run + [str(tmp_path)], capture_output=True, text=True)
    assert missing.returncode == 2 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    assert folder.returncode == 2 and "--csv" in folder.stderr


def test_batch_grades_a_mixed_folder_in_parallel(tmp_path):
    folder = tmp_path / "class"
    (folder / "bob").mkdir(parents=True)
    (folder / "alice.ipynb").write_text(json.dumps(answered()))
    (folder / "bob" / "Initialization.ipynb").write_text(json.dumps(edited(NAMES[1], "np.random.seed(3)", "np.random.seed(4)")))
    (folder / "carol.ipynb").write_text(json.dumps(edited(NAMES[2], HE_ANSWER, "while True:\n            pass\n        " + HE_ANSWER)))
    (folder / "dave.ipynb").write_text("{broken")
    (folder / "erin.ipynb").write_text(json.dumps(edited(NAMES[0], 'parameters["W" + str(l)] = np.zeros',
                                                         'import os\n        os._exit(1)\n        parameters["W" + str(l)] = np.zeros')))
    gradebook = tmp_path / "gradebook.csv"
    assert main([str(folder), "--csv", str(gradebook), "--jobs", "2", "--timeout", "4"]) == 0
    rows = {row["file"]: row for row in csv.DictReader(gradebook.open())}
    assert set(rows) == {"alice.ipynb", "bob/Initialization.ipynb", "carol.ipynb", "dave.ipynb", "erin.ipynb"}
    assert (rows["alice.ipynb"]["score"], rows["alice.ipynb"]["rules"], rows["alice.ipynb"]["error"]) == ("3", "", "")
    assert rows["bob/Initialization.ipynb"]["rules"] == "edited-outside-answer"
    assert rows["bob/Initialization.ipynb"]["initialize_parameters_random"] == "0"
    assert rows["carol.ipynb"]["score"] == "2" and "timed out after 4 s" in rows["carol.ipynb"]["error"]
    assert rows["dave.ipynb"]["score"] == "0" and "invalid JSON" in rows["dave.ipynb"]["error"]
    assert rows["erin.ipynb"]["score"] == "2" and "exit code 1" in rows["erin.ipynb"]["error"]
