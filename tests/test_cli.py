"""The grader's command line: JSON and readable reports, usage errors."""
import json
import os
import subprocess
import sys


from fixtures.grading.builders import (HE_ANSWER, NAMES, TEMPLATE, cell_number,
                                       edited, line_of, write)
from instructor_tools.grading.cli import main
from instructor_tools.grading.grader import grade_submission

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTION = os.path.join(ROOT, "notebooks", "source", "Initialization_solution.ipynb")
GRADE = [sys.executable, "-m", "public_tests.grade"]


def grade(tmp_path, notebook, name="submission.ipynb", **options):
    path = write(tmp_path, notebook, name)
    options.setdefault("timeout", 30)
    return grade_submission(path, TEMPLATE, **options)


def feedback(verdict):
    return [e["feedback"] for e in verdict["exercises"]]


def test_json_output_has_the_documented_fields(tmp_path, capsys):
    path = write(tmp_path, edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(1)"))
    assert main([str(path), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert set(verdict) == {"submission", "score", "max_score", "exercises", "violations", "notes", "error", "isolation"}
    assert set(verdict["exercises"][0]) == {"name", "score", "max_score", "passed", "feedback"}
    assert set(verdict["violations"][0]) == {"rule", "exercise", "cell", "line", "message"}


def test_report_lists_scores_rules_cells_and_lines(tmp_path, capsys):
    notebook = edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(1)")
    path = write(tmp_path, notebook)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    he, line = cell_number(notebook, NAMES[2]), line_of(notebook, NAMES[2], "print(1)")
    assert f"[extra-print] cell {he}, line {line}, initialize_parameters_he" in out and "Total: 2/3" in out


def test_usage_errors_exit_2_without_a_traceback(tmp_path):
    existing = tmp_path / "gradebook.csv"
    existing.write_text("file,score\nx,1\n")
    cases = [([str(tmp_path / "nope.ipynb")], "does not exist"), ([str(tmp_path)], "--csv"),
             ([str(tmp_path), "--csv", str(existing)], "--resume"),
             ([str(tmp_path), "--csv", str(existing), "--resume"], "its columns are not"),
             ([str(tmp_path), "--jobs", "0", "--csv", "x.csv"], "--jobs")]
    for arguments, message in cases:
        done = subprocess.run(GRADE + arguments, capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, (arguments, done.stderr)


def test_a_number_too_long_to_read_is_a_clear_error_not_a_grader_error(tmp_path, capsys):
    path = write(tmp_path, '{"nbformat": ' + "9" * 5000 + ', "cells": []}')
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "is not a notebook: it holds a number too long to read (more than 4300 digits)." in out
    assert "grader error" not in out
