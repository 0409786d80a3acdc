"""The solved notebook's stored outputs show the published figures, and `make test` runs nbval, which executes
the notebook afresh and compares every output with the stored one; the student notebook is complete and safe."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from init_utils import load_dataset, train
from instructor_tools.answer_regions import BEGIN_SOLUTION, END_SOLUTION
from notebook_tools import (ACCURACY_LINE, ROOT, SOURCE, STUDENT, cell_by_id, costs_printed, execute, fill_answers,
                            grade_id, load, stream_text, text)
from reference import REFERENCE

HE_FIRST, HE_LAST = 0.8830537463419761, 0.07357895962677366
LN2 = 0.6931471805599453
ACCURACIES = {"zeros_accuracy": ["0.5", "0.5"], "random_accuracy": ["0.83", "0.86"],
              "he_accuracy": ["0.9933333333333333", "0.96"]}


@pytest.fixture(scope="module")
def stored():
    return load(SOURCE)


def test_stored_he_costs_are_the_published_ones_at_every_point(stored):
    printed = costs_printed(cell_by_id(stored, "he_train"))
    assert [i for i, _ in printed] == list(range(0, 15000, 1000))
    assert printed[0][1] == pytest.approx(HE_FIRST, rel=1e-12, abs=0)
    assert printed[-1][1] == pytest.approx(HE_LAST, rel=1e-12, abs=0)
    X, Y, _, _ = load_dataset(plot=False)
    package = train(X, Y, REFERENCE["he"]([2, 10, 5, 1]), print_cost=False).costs
    np.testing.assert_allclose([c for _, c in printed], package, rtol=1e-12, atol=0)


def test_stored_zeros_and_random_figures_are_the_published_ones(stored):
    zeros = costs_printed(cell_by_id(stored, "zeros_train"))
    assert zeros[0] == (0, LN2) and zeros[-1] == (14000, LN2)
    random = costs_printed(cell_by_id(stored, "random_train"))
    assert random[0] == (0, float("inf")) and len(random) == 15
    assert all(np.isfinite(c) for _, c in random[1:])
    assert random[-1][1] == pytest.approx(0.383, abs=2e-3)


def test_stored_outputs_show_all_six_accuracies_and_no_warning(stored):
    for cell_id, expected in ACCURACIES.items():
        assert ACCURACY_LINE.findall(stream_text(cell_by_id(stored, cell_id))) == expected
    for cell in stored["cells"]:
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", (grade_id(cell), output)
            assert output["output_type"] != "error", grade_id(cell)


def test_stored_sweep_covers_every_scale(stored):
    from init_utils.sweep import SWEEP_SCALES

    cell = cell_by_id(stored, "sweep")
    results = [text({"source": o["data"]["text/plain"]}) for o in cell["outputs"] if o["output_type"] == "execute_result"]
    table = stream_text(cell) + "".join(results)  # the table may be printed, or folded in a <details> block
    rows = [line.split()[0] for line in table.splitlines() if line.split()]
    assert sum(row in {f"{s:g}" for s in SWEEP_SCALES} for row in rows) == len(SWEEP_SCALES)


def test_student_notebook_filled_with_reference_answers_is_the_solved_source_less_its_markers():
    # So it prints what the solved notebook prints, which nbval checks on a fresh execution.
    def code(cell):
        return [line for line in text(cell).split("\n") if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]

    filled, source = fill_answers(load(STUDENT)), load(SOURCE)
    assert [code(c) for c in filled["cells"]] == [code(c) for c in source["cells"]]
    assert sum(BEGIN_SOLUTION in text(c) for c in source["cells"]) == 3


def test_unanswered_student_notebook_reaches_each_self_check_with_a_plain_message(tmp_path):
    executed, _ = execute(load(STUDENT), tmp_path, allow_errors=True)
    failed_cells, failed_sources = set(), []
    for cell in executed["cells"]:
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        if not errors:
            continue
        cell_id, error = grade_id(cell), errors[0]
        failed_cells.add(cell_id)
        if cell_id.endswith("_test"):
            assert error["ename"] == "AssertionError"
            assert "is not implemented yet" in stream_text(cell), cell_id
        elif error["ename"] == "NotImplementedError":
            assert "replace this line with your code" in error["evalue"]
        else:
            # Only a name that an earlier, already failed cell was meant to define.
            assert error["ename"] == "NameError", (cell_id, error["ename"], error["evalue"])
            missing = error["evalue"].split("'")[1]
            assert any(f"{missing} = " in failed_source for failed_source in failed_sources), error["evalue"]
        failed_sources.append(text(cell))
    assert {"initialize_parameters_zeros_test", "initialize_parameters_random_test",
            "initialize_parameters_he_test"} <= failed_cells


NBGRADER_LIB = ROOT / ".venv" / "nbgrader-lib"


@pytest.mark.skipif(not NBGRADER_LIB.exists(), reason="nbgrader is installed into .venv/nbgrader-lib by `make test`")
def test_nbgrader_generates_the_assignment_from_the_source(tmp_path):
    source_dir = tmp_path / "source" / "initialization"
    source_dir.mkdir(parents=True)
    shutil.copy(SOURCE, source_dir / "Initialization.ipynb")
    env = dict(os.environ, PYTHONPATH=str(NBGRADER_LIB), PATH=f"{NBGRADER_LIB / 'bin'}:{os.environ['PATH']}")
    result = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "initialization",
                             f"--CourseDirectory.root={tmp_path}", "--CourseDirectory.course_id=initlab"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    released = json.loads((tmp_path / "release" / "initialization" / "Initialization.ipynb").read_text())
    ours = load(STUDENT)
    assert [grade_id(c) for c in released["cells"]] == [grade_id(c) for c in ours["cells"]]
    for theirs, mine in zip(released["cells"], ours["cells"]):
        assert "BEGIN SOLUTION" not in "".join(theirs["source"])
        if theirs["metadata"]["nbgrader"]["solution"]:
            assert "raise NotImplementedError()" in "".join(theirs["source"])
        else:
            assert "".join(theirs["source"]) == "".join(mine["source"]), grade_id(mine)
    validate = ("from nbgrader.nbgraderformat import MetadataValidator; import nbformat, sys; "
                "MetadataValidator().validate_nb(nbformat.read(sys.argv[1], as_version=4)); print('valid')")
    checked = subprocess.run([sys.executable, "-c", validate, str(SOURCE)], env=env, capture_output=True, text=True)
    assert checked.stdout.strip() == "valid", checked.stderr[-2000:]
