"""Reading a notebook from disk: a usable notebook comes back as a dict; anything else gets a plain reason."""
import json
import os

import pytest

from instructor_tools.notebook_files import (NotebookError, cell_source, code_cells, display_name, grade_id,
                                             read_notebook)

NOTEBOOK = {"cells": [{"cell_type": "markdown", "source": "# Title"},
                      {"cell_type": "code", "source": ["x = 1\n", "y = 2"], "metadata": {"nbgrader": {"grade_id": "a"}}}]}


def write(folder, content, name="n.ipynb"):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_a_notebook_comes_back_as_a_dict_and_its_code_cells_keep_jupyterlabs_numbers(tmp_path):
    notebook = read_notebook(write(tmp_path, json.dumps(NOTEBOOK)))
    assert notebook == NOTEBOOK
    assert [(number, cell_source(cell), grade_id(cell)) for number, cell in code_cells(notebook)] == [(2, "x = 1\ny = 2", "a")]


@pytest.mark.parametrize("content, reason", [
    ("{not json", "is not a notebook (invalid JSON"),
    (b"\xff\xfe{}", "it is not UTF-8 text"),
    ("[" * 100_000 + "]" * 100_000, "its JSON is nested too deeply"),
    ('{"cells": [' + "9" * 5000 + "]}", "a number too long to read"),
    ('{"cells": {}}', "it has no list of cells"),
    ('{"cells": [{"cell_type": "code", "source": [1]}]}', "cell 1 has a source whose item 1 is a number, not text"),
    ('{"cells": [{"cell_type": 3}]}', "cell 1 has a cell_type that is not text"),
    ('{"cells": [{"cell_type": "markdown"}, {"source": "x = 1"}]}', "cell 2 has no cell_type"),
])
def test_a_file_that_is_not_a_usable_notebook_is_refused_with_the_reason(tmp_path, content, reason):
    with pytest.raises(NotebookError, match="n.ipynb") as error:
        read_notebook(write(tmp_path, content))
    assert reason in str(error.value)


def test_missing_files_folders_and_fifos_are_named_for_what_they_are(tmp_path):
    os.mkfifo(tmp_path / "pipe.ipynb")
    for path, reason in [(tmp_path / "none.ipynb", "does not exist"), (tmp_path, "is a folder"),
                         (tmp_path / "pipe.ipynb", "is not a regular file")]:
        with pytest.raises(NotebookError, match=reason):
            read_notebook(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, json.dumps(NOTEBOOK) + " " * 2 ** 20)
    with pytest.raises(NotebookError, match="the grader reads notebooks of at most 1 MB. Clear the outputs"):
        read_notebook(path, max_bytes=2 ** 20)
    assert read_notebook(path) == NOTEBOOK


def test_a_symbolic_link_is_followed_unless_the_reader_refuses_links(tmp_path):
    link = tmp_path / "link.ipynb"
    link.symlink_to(write(tmp_path, json.dumps(NOTEBOOK)))
    assert read_notebook(link) == NOTEBOOK
    with pytest.raises(NotebookError, match="is a symbolic link, not a notebook"):
        read_notebook(link, follow_symlinks=False)


def test_odd_cells_and_file_names_give_plain_answers():
    assert cell_source({"source": ["a", 3, "b"]}) == "ab" and cell_source({"source": None}) == ""
    assert grade_id({"metadata": {"nbgrader": "x"}}) is None and grade_id({}) is None
    assert display_name(os.fsdecode(b"caf\xe9.ipynb")) == "caf\\xe9.ipynb"


def test_an_nbformat_3_notebook_says_to_save_it_in_jupyterlab(tmp_path):
    old = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    with pytest.raises(NotebookError) as error:
        read_notebook(write(tmp_path, json.dumps(old)))
    assert "n.ipynb is an nbformat 3 notebook" in str(error.value)
    assert "open it in JupyterLab and save it, which writes nbformat 4" in str(error.value)
