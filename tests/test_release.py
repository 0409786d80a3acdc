"""The student notebook is generated from the source and never overwrites a learner's work."""
import hashlib
import io
import json
import re
import warnings

import nbformat
import pytest

from notebook_tools import SOURCE, STUDENT, cell_by_id, fill_answers, grade_id, load, text
from instructor_tools.answer_regions import BEGIN_SOLUTION, graded_name, placeholder, strip_solutions
from instructor_tools.release import DIGEST, LAB, ReleaseError, digest, main, release, released_cells
from instructor_tools.template import student_template

HE = "initialize_parameters_he"


def test_committed_student_notebook_and_grader_template_are_what_the_source_generates():
    out = io.StringIO()
    assert release(check=True, out=out) == 0, out.getvalue()
    assert str(STUDENT) in out.getvalue() and str(student_template()) in out.getvalue()


def test_grader_template_is_package_data_beside_the_code_not_the_learners_copy():
    template = student_template()
    assert template.parent.name == "instructor_tools" and template.resolve() != STUDENT.resolve()
    assert template.read_text() == STUDENT.read_text()


def test_student_differs_from_source_only_in_solutions_and_outputs_and_records_its_cells():
    source, student = load(SOURCE), load(STUDENT)
    recorded = {LAB: {DIGEST: digest(released_cells(student))}}
    assert student["metadata"] == {**{k: v for k, v in source["metadata"].items() if k != "widgets"}, **recorded}
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


def released(tmp_path, name="Initialization.ipynb"):
    """Release the source into ``tmp_path``; return the path of the new student notebook."""
    target = tmp_path / name
    assert release(outputs=[target], out=io.StringIO()) == 0
    return target


def write(path, notebook):
    path.write_text(json.dumps(notebook, indent=1))
    return path


def test_release_writes_a_missing_student_notebook(tmp_path):
    assert released(tmp_path).read_text() == STUDENT.read_text()


def test_release_refuses_to_overwrite_a_notebook_with_answers(tmp_path):
    target = write(tmp_path / "Initialization.ipynb", fill_answers(load(STUDENT)))
    digest_before = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(ReleaseError, match="initialize_parameters_zeros.*may hold a learner's work.*--force"):
        release(outputs=[target], out=io.StringIO())
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest_before


def test_forced_release_keeps_a_backup_of_the_answers(tmp_path):
    target = write(tmp_path / "Initialization.ipynb", fill_answers(load(STUDENT)))
    before = target.read_bytes()
    assert release(outputs=[target], force=True, out=io.StringIO()) == 0
    backups = list(tmp_path.glob("Initialization.backup-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert target.read_text() == STUDENT.read_text()


def notes_and_scratch_cells(notebook):
    notebook["cells"][5:5] = [{"cell_type": "markdown", "id": "mynotes", "metadata": {}, "source": "My notes."},
                              {"cell_type": "code", "id": "myscratch", "metadata": {}, "execution_count": None,
                               "outputs": [], "source": "my_experiment = 42"}]


def attempt_kept_as_comments(notebook):
    cell = next(c for c in notebook["cells"] if graded_name(text(c)) == HE)
    cell["source"] = text(cell).replace(placeholder(HE), "# W = np.random.randn(3, 2)  my attempt\n        " + placeholder(HE))


def answers_whose_graded_header_was_deleted(notebook):
    fill_answers(notebook)
    for cell in notebook["cells"]:
        if graded_name(text(cell)):
            cell["source"] = text(cell).split("\n", 1)[1]


@pytest.mark.parametrize("edit", [notes_and_scratch_cells, attempt_kept_as_comments,
                                  answers_whose_graded_header_was_deleted, fill_answers])
def test_release_keeps_a_learners_writing_outside_the_answer_code(tmp_path, edit):
    target = released(tmp_path)
    notebook = load(target)
    edit(notebook)
    before = write(target, notebook).read_bytes()
    with pytest.raises(ReleaseError, match="was edited after it was released: its cells? .* not in the new release.*"
                                           "may hold a learner's work.*--force"):
        release(outputs=[target], out=io.StringIO())
    assert target.read_bytes() == before and list(tmp_path.iterdir()) == [target]
    assert release(outputs=[target], force=True, out=io.StringIO()) == 0
    assert [p.read_bytes() for p in tmp_path.glob("Initialization.backup-*.ipynb")] == [before]


def test_release_replaces_an_untouched_release_after_the_source_changes(tmp_path):
    target = released(tmp_path)
    notebook = load(target)
    for cell in notebook["cells"]:  # the learner ran every cell: outputs and counts are not their writing
        if cell["cell_type"] == "code":
            cell.update(execution_count=1, outputs=[{"output_type": "stream", "name": "stdout", "text": "ran\n"}])
    write(target, notebook)
    source = load(SOURCE)
    source["cells"][0]["source"] = text(source["cells"][0]) + "\n\nA sentence the instructor added."
    edited = write(tmp_path / "source.ipynb", source)
    out = io.StringIO()
    assert release(edited, [target], out=out) == 0 and "Wrote" in out.getvalue()
    assert "A sentence the instructor added." in text(load(target)["cells"][0])
    assert list(tmp_path.glob("*.backup-*")) == [] and release(edited, [target], check=True, out=out) == 0


def test_a_notebook_without_digest_and_other_cells_is_refused(tmp_path):
    notebook = load(released(tmp_path))
    del notebook["metadata"][LAB]  # as released before digests were recorded, from an older source
    notebook["cells"][0]["source"] = "# An older title"
    target = write(tmp_path / "Initialization.ipynb", notebook)
    with pytest.raises(ReleaseError, match="carries no release digest.*may hold a learner's work"):
        release(outputs=[target], out=io.StringIO())
    assert load(target) == notebook


def test_release_onto_its_own_source_says_it_is_the_source(tmp_path, capsys):
    source = tmp_path / "solution.ipynb"
    source.write_bytes(SOURCE.read_bytes())
    assert main(["--source", str(source), "--output", str(source)]) == 2
    err = capsys.readouterr().err
    assert "is the solved source notebook itself" in err and "learner" not in err
    assert source.read_bytes() == SOURCE.read_bytes()
    assert main(["--source", str(source), "--output", str(source), "--force"]) == 0
    assert [p.read_bytes() for p in tmp_path.glob("solution.backup-*.ipynb")] == [SOURCE.read_bytes()]


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


def he_cell(notebook):
    return cell_by_id(notebook, HE)


def in_he(old, new):
    def edit(notebook):
        he_cell(notebook)["source"] = text(he_cell(notebook)).replace(old, new, 1)
    return edit


BROKEN_SOURCES = {  # scenario: (edit of the source, what the message says)
    "mistyped-begin": (in_he("### BEGIN SOLUTION", "## BEGIN SOLUTION"),
                       "(initialize_parameters_he): line 21: '## BEGIN SOLUTION' is not typed as the marker"),
    "solution-in-markdown": (lambda nb: nb["cells"].insert(1, {"cell_type": "markdown", "metadata": {},
                                                               "source": "### BEGIN SOLUTION\nB\n### END SOLUTION"}),
                             "cell 2: line 1: '### BEGIN SOLUTION' is a marker, but this is a markdown cell"),
    "begin-above-answer-marker": (in_he("# YOUR CODE STARTS HERE\n        ### BEGIN SOLUTION",
                                        "### BEGIN SOLUTION\n        # YOUR CODE STARTS HERE"),
                                  "(initialize_parameters_he): its answer region (markers on lines 21 and 25) must hold"),
    "mistyped-answer-marker": (in_he("# YOUR CODE STARTS HERE", "# YOUR CODE START HERE"),
                               "line 20: '# YOUR CODE START HERE' is not typed as the marker '# YOUR CODE STARTS HERE'"),
    "nested-begin": (in_he("### BEGIN SOLUTION", "### BEGIN SOLUTION\n        ### BEGIN SOLUTION"),
                     "line 22: '### BEGIN SOLUTION' again before '### END SOLUTION'"),
    "solution-shown-in-a-markdown-example": (lambda nb: nb["cells"].insert(1, {
        "cell_type": "markdown", "metadata": {}, "source": "```python\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n```"}),
        "cell 2: line 2: '### BEGIN SOLUTION' is a marker, but this is a markdown cell; solution markers belong in"),
    "stray-end-in-graded-cell": (in_he("# YOUR CODE ENDS HERE", "# YOUR CODE ENDS HERE\n        ### END SOLUTION"),
                                 "line 26: '### END SOLUTION' without '### BEGIN SOLUTION'"),
    "stray-end-elsewhere": (lambda nb: cell_by_id(nb, "imports").update(source="### END SOLUTION\nimport numpy"),
                            "line 1: '### END SOLUTION' is a marker, but this cell has no '# GRADED FUNCTION: <name>'"),
    "invisible-character-in-marker": (in_he("# YOUR CODE STARTS", "# YOUR\u200b CODE STARTS"),
                                      "line 20: '# YOUR CODE STARTS HERE' holds an invisible or unusual character "
                                      "(U+200B ZERO WIDTH SPACE)"),
    "two-answer-regions": (in_he("    return parameters", "    # YOUR CODE STARTS HERE\n    # YOUR CODE ENDS HERE\n"
                                                          "    return parameters"), "it has 2 answer regions"),
}


@pytest.mark.parametrize("scenario", BROKEN_SOURCES)
def test_release_refuses_broken_solution_markers(tmp_path, capsys, scenario):
    edit, message = BROKEN_SOURCES[scenario]
    source = load(SOURCE)
    edit(source)
    path, target = write(tmp_path / "source.ipynb", source), tmp_path / "out.ipynb"
    assert main(["--source", str(path), "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"release: {path}: cell ") and message in err and len(err.splitlines()) == 1, err
    assert not target.exists()


EXAMPLE_REGION = "    # YOUR CODE STARTS HERE\n    raise NotImplementedError(...)\n    # YOUR CODE ENDS HERE"


@pytest.mark.parametrize("kind, example", [
    ("markdown", f"**How to answer.** Write only between the two marker lines:\n\n```python\n{EXAMPLE_REGION}\n```"),
    ("raw", EXAMPLE_REGION),
    ("code", f"# An ungraded cell to try things in; nothing here is graded.\nif False:\n{EXAMPLE_REGION}"),
], ids=["fenced-in-markdown", "raw", "ungraded-code"])
def test_release_keeps_an_example_of_an_answer_region_outside_graded_cells(tmp_path, kind, example):
    source = load(SOURCE)
    cell = {"cell_type": kind, "id": "how-to-answer", "metadata": {}, "source": example}
    source["cells"].insert(2, {**cell, "outputs": [], "execution_count": None} if kind == "code" else cell)
    path, target = write(tmp_path / "source.ipynb", source), tmp_path / "out.ipynb"
    assert release(path, [target], out=io.StringIO()) == 0
    assert text(load(target)["cells"][2]) == example
    assert release(path, [target], check=True, out=io.StringIO()) == 0


def test_release_turns_crlf_line_endings_into_lf(tmp_path):
    source = load(SOURCE)
    for cell in source["cells"]:
        cell["source"] = text(cell).replace("\n", "\r\n")
    target = tmp_path / "crlf.ipynb"
    assert release(write(tmp_path / "source.ipynb", source), [target], out=io.StringIO()) == 0
    assert target.read_bytes() == released(tmp_path).read_bytes()
    assert not any("\r" in text(cell) for cell in load(target)["cells"])


def test_release_gives_cells_missing_or_duplicate_ids_the_same_new_ids_every_time(tmp_path):
    source = load(SOURCE)
    del source["cells"][0]["id"]
    source["cells"][3]["id"] = source["cells"][2]["id"]
    path, target = write(tmp_path / "source.ipynb", source), tmp_path / "out.ipynb"
    assert release(path, [target], out=io.StringIO()) == 0
    ids = [cell["id"] for cell in load(target)["cells"]]
    assert ids[0] == "cell-1" and ids[3] == "cell-4" and len(set(ids)) == len(ids)
    assert release(path, [target], check=True, out=io.StringIO()) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nbformat.validate(nbformat.read(target, as_version=4))


def without_metadata(notebook):
    del notebook["metadata"]


def list_as_cell_metadata(notebook):
    notebook["cells"][3]["metadata"] = []


@pytest.mark.parametrize("edit, output, message", [
    (without_metadata, "out.ipynb", 'it has no top-level "metadata" object'),
    (list_as_cell_metadata, "out.ipynb", 'cell 4: its "metadata" is not an object'),
    (None, "folder", "is a folder: pass the path of a notebook file"),
    (None, "missing/out.ipynb", "the folder {tmp}/missing does not exist"),
], ids=["source-without-metadata", "cell-metadata-a-list", "output-a-folder", "output-in-a-missing-folder"])
def test_release_reports_bad_input_in_one_line(tmp_path, capsys, edit, output, message):
    source = load(SOURCE)
    if edit:
        edit(source)
    (tmp_path / "folder").mkdir()
    assert main(["--source", str(write(tmp_path / "source.ipynb", source)), "--output", str(tmp_path / output)]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(r"release: .*\n", err) and message.format(tmp=tmp_path) in err, err
