"""The gradebook CSV: rows on disk as soon as written, resume, names that stay one printable line."""
import csv
import os
import subprocess
import sys

import pytest

from fixtures.grading.builders import (NAMES, TEMPLATE, answered, edited, write)
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


def a_verdict(score=3.0, error=None):
    return {"score": score, "max_score": 3.0, "error": error, "violations": [{"rule": "extra-cell"}],
            "exercises": [{"name": n, "score": 1.0} for n in NAMES]}


def test_each_row_is_on_disk_as_soon_as_it_is_written(tmp_path):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    book = Gradebook(path, NAMES)
    book.write("a.ipynb", a_verdict(error="line one\nline two"))
    assert path.read_text().splitlines() == [
        "file,score,max_score,initialize_parameters_zeros,initialize_parameters_random,initialize_parameters_he,rules,error",
        "a.ipynb,3,3,1,1,1,extra-cell,line one line two"]
    book.close()


def test_resume_drops_a_row_cut_off_mid_write_and_lists_the_rest(tmp_path):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    with Gradebook(path, NAMES) as book:
        book.write("a.ipynb", a_verdict())
        book.write("b.ipynb", a_verdict())
    whole = path.read_text()
    path.write_text(whole + "c.ipynb,3,3,1")  # the batch died while writing c's row
    with Gradebook(path, NAMES, resume=True) as book:
        assert book.done == {"a.ipynb", "b.ipynb"}
        book.write("c.ipynb", a_verdict(score=2.0))
    assert path.read_text() == whole + "c.ipynb,2,3,1,1,1,extra-cell,\n"


def test_an_existing_gradebook_is_never_replaced_silently(tmp_path):
    from instructor_tools.grading import Gradebook
    from instructor_tools.grading.gradebook import GradebookError

    path = tmp_path / "gradebook.csv"
    path.write_text("name,grade\nx,1\n")
    with pytest.raises(GradebookError, match="add --resume"):
        Gradebook(path, NAMES)
    with pytest.raises(GradebookError, match="its columns are not"):
        Gradebook(path, NAMES, resume=True)
    assert path.read_text() == "name,grade\nx,1\n"
    Gradebook(path, NAMES, overwrite=True).close()
    assert path.read_text().startswith("file,score")


def test_row_names_are_printable_and_one_line():
    import pathlib

    from instructor_tools.grading.gradebook import row_name

    def name(raw):
        return row_name(pathlib.Path(os.fsdecode(raw)))

    assert name(b"caf\xe9\n.ipynb") == "caf\\xe9\\n.ipynb"
    # never two files with one name: a literal backslash, a byte, a character that is not printable
    raws = [b"c\xe9.ipynb", b"c\\xe9.ipynb", "c\x85.ipynb".encode(), b"c\x85.ipynb", b"c\\x85.ipynb", b"c\\\\.ipynb",
            b"c\\.ipynb", "c\u2028.ipynb".encode(), b"c\\u2028.ipynb", b"c\n.ipynb", b"c\\n.ipynb"]
    names = [name(raw) for raw in raws]
    assert len(set(names)) == len(raws) and all(n.isprintable() for n in names), names


def test_two_files_whose_names_look_alike_keep_a_row_each_and_resume(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, answered(), b"caf\xe9.ipynb")
    write(folder, edited(NAMES[1], "np.random.seed(3)", "np.random.seed(4)"), "caf\\xe9.ipynb")  # a real backslash
    gradebook = tmp_path / "gradebook.csv"
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "30"]) == 0
    rows = {row["file"]: row["score"] for row in csv.DictReader(gradebook.open(encoding="utf-8"))}
    assert rows == {"caf\\xe9.ipynb": "3", "caf\\\\xe9.ipynb": "2"}
    lines = gradebook.read_text(encoding="utf-8").splitlines(True)
    gradebook.write_text("".join(line for line in lines if not line.startswith("caf\\\\")), encoding="utf-8")
    done = subprocess.run(GRADE + [str(folder), "--csv", str(gradebook), "--resume", "--timeout", "30"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "Graded 1 notebook(s)" in done.stdout and "1 already in the gradebook" in done.stdout
    rows = {row["file"]: row["score"] for row in csv.DictReader(gradebook.open(encoding="utf-8"))}
    assert rows == {"caf\\xe9.ipynb": "3", "caf\\\\xe9.ipynb": "2"}
