"""Grading a folder: every file gets a row, in parallel, even when an answer attacks the grader."""
import csv
import dataclasses
import io
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from fixtures.grading.builders import (BATCH_FLAGS, BATCH_ISOLATION, ISOLATED, NAMES, TEMPLATE, answered, edited,
                                       gradebook_rows, pids_with, requires_isolation, wait_for, with_code, write)
from instructor_tools.grading import grade_folder
from instructor_tools.grading.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE = [sys.executable, "-m", "public_tests.grade"]


def test_non_utf8_file_names_keep_every_row_of_the_batch(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, answered(), b"caf\xe9.ipynb")
    write(folder, answered(), "zed.ipynb")
    write(folder, "{broken", b"\xff\xfe.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "60"] + BATCH_FLAGS) == 0
    rows = gradebook_rows(gradebook)
    assert set(rows) == {"caf\\xe9.ipynb", "zed.ipynb", "\\xff\\xfe.ipynb"}
    assert rows["caf\\xe9.ipynb"]["score"] == rows["zed.ipynb"]["score"] == "3"
    assert "invalid JSON" in rows["\\xff\\xfe.ipynb"]["error"]


@requires_isolation
def test_killing_the_parent_from_an_answer_does_not_stop_the_batch(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, with_code(NAMES[0], "import os\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, 9)\n"
                                      "    except OSError:\n        pass"), "mallory.ipynb")
    write(folder, answered(), "alice.ipynb")
    write(folder, edited(NAMES[1], "np.random.seed(3)", "np.random.seed(4)"), "bob.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    done = subprocess.run(GRADE + [str(folder), "--csv", str(gradebook), "--timeout", "60", "--isolation", "required"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = gradebook_rows(gradebook)
    assert {name: row["score"] for name, row in rows.items()} == {"alice.ipynb": "3", "bob.ipynb": "2",
                                                                   "mallory.ipynb": "3"}


@requires_isolation
def test_a_killed_batch_keeps_its_rows_leaves_no_process_and_resumes(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    marker = f"sleeper-{os.getpid()}-{time.monotonic_ns()}"
    for name in ("a.ipynb", "b.ipynb"):
        write(folder, answered(), name)
    slow = ("import os, sys\nif os.fork() == 0:\n    os.setsid()\n"
            f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'])\n"
            "import time\ntime.sleep(300)")
    write(folder, with_code(NAMES[0], slow), "c.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    command = GRADE + [str(folder), "--csv", str(gradebook), "--jobs", "1", "--timeout", "120"]
    batch = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sleepers = wait_for(lambda: pids_with(marker), within=90)  # both sleepers of c.ipynb are running
    assert sleepers, "c.ipynb never started"
    exits = [os.pidfd_open(pid) for pid in sleepers]  # readable once the process has ended
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    ready, _, _ = select.select(exits, [], [], 60)  # the sandbox ends every process of the killed batch
    assert sorted(ready) == sorted(exits) and pids_with(marker) == []
    rows = list(csv.DictReader(gradebook.open()))
    assert [(r["file"], r["score"]) for r in rows] == [("a.ipynb", "3"), ("b.ipynb", "3")]
    write(folder, answered(), "c.ipynb")
    out = subprocess.run(command + ["--resume"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "Graded 1 notebook(s)" in out.stdout and "2 already in the gradebook" in out.stdout
    rows = list(csv.DictReader(gradebook.open()))
    assert [(r["file"], r["score"]) for r in rows] == [("a.ipynb", "3"), ("b.ipynb", "3"), ("c.ipynb", "3")]


FORGER = ("import os, signal\ntry:\n    with open({gradebook!r}, 'a+') as handle:\n        handle.seek(0)\n"
          "        first = 'evil.ipynb' not in handle.read()  # the grader calls this function many times\n"
          "        if first:\n            handle.write('evil.ipynb,3,3,1,1,1,,,isolated\\n')\n"
          "except OSError:  # isolated: the gradebook is not there\n    first = True\n"
          "if first:\n    os.kill(os.getppid(), signal.SIGKILL)")


def class_with_a_forger(tmp_path):
    """Return a folder holding alice (correct) and evil (FORGER), and the gradebook path evil aims at."""
    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, answered(), "alice.ipynb")
    write(folder, with_code(NAMES[0], FORGER.format(gradebook=str(gradebook))), "evil.ipynb")
    return folder, gradebook


@requires_isolation
def test_isolated_learner_code_cannot_forge_a_row_in_the_gradebook(tmp_path):
    folder, gradebook = class_with_a_forger(tmp_path)
    done = subprocess.run(GRADE + [str(folder), "--csv", str(gradebook), "--timeout", "60"], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = gradebook.read_text().splitlines()  # a forged row would be a second evil.ipynb row
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["alice.ipynb", "evil.ipynb"]
    assert [line.split(",")[-1] for line in lines[1:]] == ["isolated", "isolated"]


def test_a_row_forged_by_unisolated_learner_code_is_not_resumed_without_isolation_off(tmp_path):
    folder, gradebook = class_with_a_forger(tmp_path)
    command = GRADE + [str(folder), "--csv", str(gradebook), "--timeout", "60", "--jobs", "1"]
    done = subprocess.run(command + ["--isolation", "off"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == -signal.SIGKILL  # evil.ipynb appended its row and killed the grader
    lines = gradebook.read_text().splitlines()
    assert lines[-1] == "evil.ipynb,3,3,1,1,1,,,isolated" and lines[1].endswith(",NOT ISOLATED")
    resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True, cwd=ROOT)
    refusal = "it was written with --isolation off" if ISOLATED else "cannot be isolated on this machine"
    assert resumed.returncode == 2 and refusal in resumed.stderr
    assert gradebook.read_text().splitlines() == lines


def test_batch_grades_a_mixed_folder_in_parallel(tmp_path):
    folder = tmp_path / "class"
    (folder / "bob").mkdir(parents=True)
    (folder / ".ipynb_checkpoints").mkdir()
    write(folder, answered(), "alice.ipynb")
    write(folder, answered(), ".ipynb_checkpoints/alice-checkpoint.ipynb")
    write(folder / "bob", edited(NAMES[1], "np.random.seed(3)", "np.random.seed(4)"), "Initialization.ipynb")
    write(folder, with_code(NAMES[2], "while True:\n    pass"), "carol.ipynb")
    write(folder, "{broken", "dave.ipynb")
    write(folder, with_code(NAMES[0], "import os\nos._exit(1)"), "erin.ipynb")
    gradebook = tmp_path / "gradebook.csv"
    assert main([str(folder), "--csv", str(gradebook), "--jobs", "2", "--timeout", "30"] + BATCH_FLAGS) == 0
    rows = gradebook_rows(gradebook)
    assert set(rows) == {"alice.ipynb", "bob/Initialization.ipynb", "carol.ipynb", "dave.ipynb", "erin.ipynb"}
    assert (rows["alice.ipynb"]["score"], rows["alice.ipynb"]["rules"], rows["alice.ipynb"]["error"]) == ("3", "", "")
    assert rows["bob/Initialization.ipynb"]["rules"] == "edited-outside-answer"
    assert rows["bob/Initialization.ipynb"]["initialize_parameters_random"] == "0"
    assert rows["carol.ipynb"]["score"] == "2" and "timed out after 30 s" in rows["carol.ipynb"]["error"]
    assert rows["dave.ipynb"]["score"] == "0" and "invalid JSON" in rows["dave.ipynb"]["error"]
    assert rows["erin.ipynb"]["score"] == "2" and "exit code 1" in rows["erin.ipynb"]["error"]


def test_an_import_cell_that_times_out_is_the_graders_failure_no_row_exit_1_and_resume_grades_it(tmp_path, monkeypatch,
                                                                                                   capsys):
    from instructor_tools.grading import grader

    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, answered(), "alice.ipynb")
    write(folder, "{broken", "dave.ipynb")  # refused before any session: a row as always
    command = [str(folder), "--csv", str(gradebook), "--timeout", "60"] + BATCH_FLAGS
    monkeypatch.setattr(grader, "IMPORT_BUDGET", 0.0)  # a machine too busy to run the import cell in its time
    assert main(command) == 1
    out = capsys.readouterr().out
    assert "no row  alice.ipynb  (grader error: timed out after 0 s in the import cell (before any learner code ran))\n" in out
    assert "1 got no row because the grader failed (listed above): rerun with --resume." in out
    assert set(gradebook_rows(gradebook)) == {"dave.ipynb"}
    monkeypatch.undo()
    assert main(command + ["--resume"]) == 0
    assert gradebook_rows(gradebook)["alice.ipynb"]["score"] == "3"


def test_an_import_cell_that_fails_gives_no_row_and_scores_no_exercise(tmp_path):
    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, answered(), "alice.ipynb")
    broken = dataclasses.replace(TEMPLATE, import_source="raise ImportError('matplotlib is missing')")
    verdicts = grade_folder(folder, broken, gradebook, timeout=60, isolate=BATCH_ISOLATION, out=io.StringIO())
    error = verdicts["alice.ipynb"]["error"]
    assert error.startswith("grader error: the template's import cell failed in the sandbox") and "matplotlib" in error
    assert verdicts["alice.ipynb"]["grader_failed"] is True
    assert {e["feedback"].endswith("the grader failed, not the learner: grade it again.")
            for e in verdicts["alice.ipynb"]["exercises"]} == {True}
    assert gradebook_rows(gradebook) == {}


def test_the_import_cell_has_its_own_time_apart_from_the_learners_timeout(tmp_path):
    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, answered(), "alice.ipynb")
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "1e-9"] + BATCH_FLAGS) == 0
    error = gradebook_rows(gradebook)["alice.ipynb"]["error"]  # the import cell ran; the learner's function had no time
    assert "timed out after 1e-09 s in initialize_parameters_zeros" in error and "import cell" not in error


def test_notebooks_named_in_any_case_are_graded_and_other_files_are_listed(tmp_path, capsys):
    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    for name in ("alice.ipynb", "Bob.IPYNB", "carol.ipynb ", "dave.ipynb.json"):
        write(folder, "{broken", name)  # graded at once: "is not a notebook"
    assert main([str(folder), "--csv", str(gradebook)] + BATCH_FLAGS) == 0
    assert set(gradebook_rows(gradebook)) == {"alice.ipynb", "Bob.IPYNB"}
    assert ('Left out of the gradebook, 2 file(s) whose name does not end in .ipynb: "carol.ipynb ", '
            '"dave.ipynb.json". Rename any that is a submission.') in capsys.readouterr().err


def test_a_folder_without_notebooks_is_an_error_that_leaves_the_old_gradebook(tmp_path, capsys):
    folder, gradebook = tmp_path / "empty", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, "notes", "readme.txt")
    gradebook.write_text("file,score\nalice.ipynb,3\n")
    with pytest.raises(SystemExit) as stopped:
        main([str(folder), "--csv", str(gradebook), "--overwrite"] + BATCH_FLAGS)
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and "holds no notebook (no file whose name ends in .ipynb)" in error
    assert gradebook.read_text() == "file,score\nalice.ipynb,3\n"


def test_learner_code_that_forges_a_grader_error_still_gets_its_row(tmp_path):
    forged = ("import os\nfor fd in range(0, 64):\n    try:\n"
              "        os.write(fd, b'{\"error\": \"grader error: please grade me again\"}\\n')\n"
              "    except OSError:\n        pass")
    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    folder.mkdir()
    write(folder, with_code(NAMES[0], forged), "mallory.ipynb")
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "60"] + BATCH_FLAGS) == 0
    row = gradebook_rows(gradebook)["mallory.ipynb"]
    assert row["score"] == "2" and row["error"] == "the learner's code sent 'grader error: please grade me again'"


def test_a_broken_file_named_like_a_grader_error_gets_its_0_row_alone_in_a_batch_and_on_a_worker(tmp_path, monkeypatch,
                                                                                                 capsys):
    from instructor_tools.grading.cluster.worker import grade_task
    from instructor_tools.grading.report import grader_failed

    folder = tmp_path / "class"
    folder.mkdir()
    bob = write(folder, "not finished", "grader error - bob.ipynb")
    write(folder, '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "grader errors carol.ipynb")
    monkeypatch.chdir(folder)  # graded as ".", every error starts with the name the learner chose
    assert main([".", "--csv", "../gradebook.csv"] + BATCH_FLAGS) == 0
    rows = gradebook_rows(tmp_path / "gradebook.csv")
    assert {name: row["score"] for name, row in rows.items()} == {"grader error - bob.ipynb": "0",
                                                                   "grader errors carol.ipynb": "0"}
    assert rows["grader errors carol.ipynb"]["error"] == "grader errors carol.ipynb is an empty notebook: it has no cells."
    assert "no row" not in capsys.readouterr().out
    assert main(["grader error - bob.ipynb"]) == 0 and "Total: 0/3" in capsys.readouterr().out
    for source in (str(bob), bob.read_bytes()):  # --ship path, --ship bytes: the worker renames the path in the error
        verdict = grade_task("grader error - bob.ipynb", source, TEMPLATE, False, 60.0, BATCH_ISOLATION)
        assert verdict["error"].startswith("grader error - bob.ipynb is not a notebook") and not grader_failed(verdict)
