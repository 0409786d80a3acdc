"""The student notebook is generated from the source and never overwrites a learner's work."""
import hashlib
import io
import json

import pytest

from notebook_tools import SOURCE, STUDENT, fill_answers, grade_id, load, text
from instructor_tools.answer_regions import BEGIN_SOLUTION, graded_name, strip_solutions
from instructor_tools.release import ReleaseError, main, release
from instructor_tools.template import student_template


def test_committed_student_notebook_and_grader_template_are_what_the_source_generates():
    out = io.StringIO()
    assert release(check=True, out=out) == 0, out.getvalue()
    assert str(STUDENT) in out.getvalue() and str(student_template()) in out.getvalue()


def test_grader_template_is_package_data_beside_the_code_not_the_learners_copy():
    template = student_template()
    assert template.parent.name == "instructor_tools" and template.resolve() != STUDENT.resolve()
    assert template.read_text() == STUDENT.read_text()


def test_student_differs_from_source_only_in_solutions_and_outputs():
    source, student = load(SOURCE), load(STUDENT)
    assert student["metadata"] == {k: v for k, v in source["metadata"].items() if k != "widgets"}
    assert [grade_id(c) for c in student["cells"]] == [grade_id(c) for c in source["cells"]]
    for s, t in zip(source["cells"], student["cells"]):
        assert t["metadata"] == {k: v for k, v in s["metadata"].items() if k != "execution"}  # nbconvert's run times
        assert t["cell_type"] == s["cell_type"]
        name = graded_name(text(s))
        expected = strip_solutions(text(s), name) if BEGIN_SOLUTION in text(s) else text(s)
        assert text(t) == expected
        if t["cell_type"] == "code":
            assert t["outputs"] == [] and t["execution_count"] is None
    assert sum(BEGIN_SOLUTION in text(c) for c in source["cells"]) == 3


def test_release_writes_a_missing_student_notebook(tmp_path):
    target = tmp_path / "Initialization.ipynb"
    assert release(outputs=[target], out=io.StringIO()) == 0
    assert target.read_text() == STUDENT.read_text()


def test_release_refuses_to_overwrite_a_notebook_with_answers(tmp_path):
    target = tmp_path / "Initialization.ipynb"
    worked = fill_answers(load(STUDENT))
    target.write_text(json.dumps(worked))
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(ReleaseError, match="holds a learner's answers .*initialize_parameters_zeros.*--force"):
        release(outputs=[target], out=io.StringIO())
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest


def test_forced_release_keeps_a_backup_of_the_answers(tmp_path):
    target = tmp_path / "Initialization.ipynb"
    target.write_text(json.dumps(fill_answers(load(STUDENT))))
    before = target.read_bytes()
    assert release(outputs=[target], force=True, out=io.StringIO()) == 0
    backups = list(tmp_path.glob("Initialization.backup-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert target.read_text() == STUDENT.read_text()


def test_release_check_reports_a_stale_student_notebook(tmp_path):
    target = tmp_path / "Initialization.ipynb"
    target.write_text(STUDENT.read_text().replace("Exercise 1", "Exercise one"))
    out = io.StringIO()
    assert release(outputs=[target], check=True, out=out) == 1
    assert "make release" in out.getvalue()


def test_release_writes_every_output_and_check_fails_if_any_is_stale(tmp_path):
    learner, template = tmp_path / "Initialization.ipynb", tmp_path / "student_template.ipynb"
    assert main(["--output", str(learner), "--output", str(template)]) == 0
    assert learner.read_text() == template.read_text() == STUDENT.read_text()
    template.write_text("{}")
    out = io.StringIO()
    assert release(outputs=[learner, template], check=True, out=out) == 1
    assert f"{template} differs" in out.getvalue() and f"{learner} is up to date" in out.getvalue()


def test_release_outside_a_checkout_says_to_pass_the_source(tmp_path, capsys):
    assert main(["--source", str(tmp_path / "missing.ipynb"), "--output", str(tmp_path / "out.ipynb")]) == 2
    assert "pass --source" in capsys.readouterr().err and not (tmp_path / "out.ipynb").exists()


@pytest.mark.parametrize("cell, message", [(None, "is not a notebook (invalid JSON"),
                                           ("x = 1\n### BEGIN SOLUTION", "no '# GRADED FUNCTION: <name>' first line"),
                                           ("# GRADED FUNCTION: f\n### BEGIN SOLUTION", "is never closed by")])
def test_command_line_reports_a_broken_source_without_traceback(tmp_path, capsys, cell, message):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json" if cell is None else json.dumps({"metadata": {}, "cells": [{"cell_type": "code",
                                                                                            "source": cell}]}))
    assert main(["--source", str(bad), "--output", str(tmp_path / "out.ipynb")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and not (tmp_path / "out.ipynb").exists()
