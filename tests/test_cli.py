"""The grader's command line: JSON and readable reports, usage errors, the template it uses, and failing closed."""
import csv
import json
import os
import subprocess
import sys

import pytest

from fixtures.grading.builders import (BATCH_FLAGS, HE_ANSWER, NAMES, answered, cell_number, edited, line_of, with_code,
                                       write)
from notebook_tools import load
from instructor_tools.grading.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE = [sys.executable, "-m", "public_tests.grade"]


def test_json_output_has_the_documented_fields(tmp_path, capsys):
    path = write(tmp_path, edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        print(1)"))
    assert main([str(path), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert set(verdict) == {"submission", "score", "max_score", "exercises", "violations", "notes", "error", "isolation",
                            "grader_failed"}
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
    folder, existing = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, "{broken", "alice.ipynb")
    existing.write_text("file,score\nx,1\n")
    cases = [([str(tmp_path / "nope.ipynb")], "does not exist"), ([str(folder)], "--csv"),
             ([str(folder), "--csv", str(existing)], "--resume"),
             ([str(folder), "--csv", str(existing), "--resume"], "its columns are not"),
             ([str(folder), "--jobs", "0", "--csv", "x.csv"], "--jobs")]
    for arguments, message in cases:
        done = subprocess.run(GRADE + arguments + BATCH_FLAGS, capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, (arguments, done.stderr)


def test_a_number_too_long_to_read_is_a_clear_error_not_a_grader_error(tmp_path, capsys):
    path = write(tmp_path, '{"nbformat": ' + "9" * 5000 + ', "cells": []}')
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "is not a notebook: it holds a number too long to read (more than 4300 digits)." in out
    assert "grader error" not in out


def test_a_notebook_graded_unisolated_says_not_isolated_in_the_report_itself(tmp_path, capsys):
    path = write(tmp_path, answered())
    assert main([str(path), "--isolation", "off", "--timeout", "60"]) == 0
    captured = capsys.readouterr()
    assert "NOT ISOLATED: learner code ran as your own user" in captured.out.split("\n")[1]
    assert "Total: 3/3" in captured.out and "NOT ISOLATED" in captured.err


ESCAPES = "\x1b]52;c;ZXZpbA==\x07\rTotal: 3/3\x1b[2J\x9b1m\u202e"


def test_control_characters_in_a_verdict_are_shown_escaped_in_the_report():
    from instructor_tools.grading.report import report

    verdict = {"submission": "a\x1b[31m.ipynb", "score": 0.0, "max_score": 3.0, "error": ESCAPES, "isolation": None,
               "exercises": [{"name": NAMES[0], "score": 0.0, "max_score": 1.0, "feedback": "Not graded: " + ESCAPES}],
               "violations": [{"rule": "extra-print", "cell": 3, "line": 2, "exercise": NAMES[0], "message": ESCAPES}],
               "notes": []}
    text = report(verdict)
    assert all(line.isprintable() for line in text.split("\n"))
    assert "\\x1b]52;c;ZXZpbA==\\x07\\rTotal: 3/3\\x1b[2J\\x9b1m\\u202e" in text
    assert [line for line in text.split("\n") if line.startswith("Total")] == ["Total: 0/3"]


def test_an_exception_message_from_learner_code_cannot_drive_the_terminal(tmp_path, capsys):
    path = write(tmp_path, with_code(NAMES[0], f"raise ValueError({ESCAPES!r})"))
    assert main([str(path), "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert all(line.isprintable() for line in out.split("\n")) and "\\x1b]52;c;ZXZpbA==" in out
    assert [line for line in out.split("\n") if line.startswith("Total")] == ["Total: 2/3"]


def test_without_isolation_a_folder_is_refused_unless_isolation_off(tmp_path, monkeypatch, capsys):
    from instructor_tools.grading import sandbox

    probe = sys.modules[sandbox.isolation.__module__]  # the module that chooses the isolation, once per process
    monkeypatch.setattr(probe.shutil, "which", lambda name: None)
    monkeypatch.setattr(probe, "_CHOSEN", {})
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, answered(), "alice.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    for extra in ([], ["--isolation", "required"]):
        with pytest.raises(SystemExit) as stopped:
            main([str(folder), "--csv", str(gradebook)] + extra)
        error = capsys.readouterr().err
        assert stopped.value.code == 2 and "cannot be isolated" in error and "add --isolation off" in error
        assert not gradebook.exists()
    assert main([str(folder), "--csv", str(gradebook), "--isolation", "off", "--timeout", "60"]) == 0
    rows = list(csv.reader(gradebook.open()))
    assert rows[1][-1] == rows[2][-1] == "NOT ISOLATED" and rows[1][0] == "" and rows[2][:2] == ["alice.ipynb", "3"]
    assert main([str(write(tmp_path, answered())), "--timeout", "60"]) == 0  # one notebook: graded, and says so
    assert "NOT ISOLATED" in capsys.readouterr().out


def test_the_default_template_is_the_pristine_copy_installed_with_the_grader(tmp_path, monkeypatch, capsys):
    from instructor_tools.grading import cli
    from instructor_tools.template import student_template

    assert student_template().is_file() and student_template().parent.name == "instructor_tools"
    altered = edited(NAMES[1], "np.random.seed(3)", "np.random.seed(4)", notebook=load(student_template()))
    monkeypatch.setattr(cli, "student_template", lambda: write(tmp_path, altered, "template.ipynb"))
    assert main([str(write(tmp_path, answered())), "--timeout", "60"]) == 0
    assert "[edited-outside-answer]" in capsys.readouterr().out  # compared with the template it was given


def test_a_path_longer_than_a_file_name_may_be_is_a_usage_error(tmp_path, capsys):
    for arguments in ([str(tmp_path / ("a" * 300 + ".ipynb"))], [str(tmp_path / ("a" * 300)), "--csv", "g.csv"]):
        with pytest.raises(SystemExit) as stopped:
            main(arguments)
        error = capsys.readouterr().err
        assert stopped.value.code == 2 and "cannot use" in error and "File name too long" in error


def test_output_to_a_reader_that_went_away_ends_quietly(tmp_path):
    path = write(tmp_path, "{broken")
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` that has already exited, before the grader writes anything
    try:
        done = subprocess.run(GRADE + [str(path)], stdout=writer, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (1, "")


def test_output_to_a_full_disk_is_one_line_and_exit_2(tmp_path):
    path = write(tmp_path, "{broken")
    with open("/dev/full", "w") as full:
        done = subprocess.run(GRADE + [str(path)], stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "initlab-grade: cannot write to standard output: No space left on device. Send it elsewhere; a batch keeps "
        "the rows it wrote (rerun it with --resume)."]


def test_an_error_on_a_named_file_is_not_called_an_error_on_standard_output(tmp_path, monkeypatch, capsys):
    from instructor_tools.grading import cli

    def refuse(*arguments):
        raise PermissionError(13, "Permission denied", str(tmp_path / "grades.csv"))

    monkeypatch.setattr(cli, "_main", refuse)
    assert main([]) == 2
    assert capsys.readouterr().err == f"initlab-grade: cannot use {tmp_path / 'grades.csv'}: Permission denied.\n"
