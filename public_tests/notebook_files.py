"""Read notebooks from disk and get at their cells, with clear errors for anything else."""
import json
import pathlib


class NotebookError(Exception):
    """The file is not a usable notebook; the message says why."""


def read_notebook(path):
    """Return the notebook at ``path`` as a dict, or raise NotebookError saying what is wrong."""
    path = pathlib.Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise NotebookError(f"{path} is a folder, not a notebook.") from None
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError(f"{path} is not a notebook: it is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"{path} is not a notebook (invalid JSON: {error}).") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{path} is not a notebook: it has no list of cells.")
    if not all(isinstance(cell, dict) for cell in notebook["cells"]):
        raise NotebookError(f"{path} is not a notebook: some cells are not objects.")
    return notebook


def cell_source(cell):
    """Return a cell's source as one string, whether stored as a string or a list of lines."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def grade_id(cell):
    """Return the cell's nbgrader grade_id, or None."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def code_cells(notebook):
    """Return [(cell number, cell)] for the code cells; cells are numbered from 1 as in JupyterLab."""
    return [(number, cell) for number, cell in enumerate(notebook["cells"], start=1) if cell.get("cell_type") == "code"]
