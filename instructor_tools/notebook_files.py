"""Read notebooks from disk and get at their cells, with clear errors for anything else."""
import errno
import json
import os
import stat
import sys


class NotebookError(Exception):
    """The file is not a usable notebook; the message says why."""


def read_notebook(path, max_bytes=None, follow_symlinks=True):
    """Return the notebook at ``path`` as a dict, or raise NotebookError saying what is wrong."""
    return parse_notebook(read_bytes(path, max_bytes, follow_symlinks), display_name(path))


def read_bytes(path, max_bytes=None, follow_symlinks=True):
    """Return the bytes of the regular file ``path``, refusing a larger file (or a link) before reading it."""
    shown = display_name(path)
    link = (f"{shown} is a symbolic link, not a notebook; the grader reads only regular files. "
            "Submit the notebook file itself.")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the reader; Windows has neither flag
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
        if os.path.islink(path):  # also where O_NOFOLLOW is missing; with it, the open below closes the race
            raise NotebookError(link)
    try:
        with open(os.open(path, flags), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise NotebookError(f"{shown} is not a regular file (a device, pipe or socket), so it is not a notebook.")
            if max_bytes is None:
                return handle.read()
            if info.st_size > max_bytes:
                raise NotebookError(f"{shown} is {info.st_size / 2 ** 20:.1f} MB; the grader reads notebooks of at most "
                                    f"{max_bytes / 2 ** 20:g} MB. Clear the outputs (Edit > Clear Outputs of All "
                                    "Cells), save, and submit again.")
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:  # it grew since fstat, or its size lies
                raise NotebookError(f"{shown} is over {max_bytes / 2 ** 20:g} MB; clear its outputs and submit again.")
            return raw
    except FileNotFoundError:
        raise NotebookError(f"{shown} does not exist.") from None
    except IsADirectoryError:
        raise NotebookError(f"{shown} is a folder, not a notebook.") from None
    except PermissionError:
        raise NotebookError(f"{shown} cannot be read (permission denied).") from None
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:  # the last part of the path became a link
            raise NotebookError(link) from None
        raise NotebookError(f"{shown} cannot be read ({error.strerror or error}).") from None


def parse_notebook(raw, shown):
    """Return the notebook in the bytes ``raw`` of file ``shown``, or raise NotebookError saying what is wrong."""
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError(f"{shown} is not a notebook: it is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"{shown} is not a notebook (invalid JSON: {error}).") from None
    except RecursionError:
        raise NotebookError(f"{shown} is not a notebook: its JSON is nested too deeply.") from None
    except ValueError:  # an integer longer than Python's int-to-text limit
        raise NotebookError(f"{shown} is not a notebook: it holds a number too long to read (more than "
                            f"{sys.get_int_max_str_digits()} digits).") from None
    old = isinstance(notebook, dict) and type(notebook.get("nbformat")) is int and notebook["nbformat"] < 4
    if old and not isinstance(notebook.get("cells"), list):  # its cells are in "worksheets"
        raise NotebookError(f"{shown} is an nbformat {notebook['nbformat']} notebook (an old Jupyter format): open it "
                            "in JupyterLab and save it, which writes nbformat 4, then use that file.")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{shown} is not a notebook: it has no list of cells.")
    for number, cell in enumerate(notebook["cells"], start=1):
        problem = cell_problem(cell)
        if problem:
            raise NotebookError(f"{shown} is not a valid notebook: cell {number} {problem}. Open it in JupyterLab, "
                                "fix or re-create that cell, save, and submit again.")
    return notebook


def cell_problem(cell):
    """Return what makes ``cell`` unusable (a phrase), or None."""
    if not isinstance(cell, dict):
        return "is not an object"
    if not isinstance(cell.get("cell_type"), str):
        return "has a cell_type that is not text" if "cell_type" in cell else "has no cell_type"
    source = cell.get("source", "")
    if isinstance(source, list):
        for index, piece in enumerate(source):
            if not isinstance(piece, str):
                return f"has a source whose item {index + 1} is {_json_type(piece)}, not text"
    elif not isinstance(source, str):
        return f"has a source that is {_json_type(source)}, not text"
    return None


def _json_type(value):
    return {type(None): "null", bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def display_name(path):
    """Return ``path`` as printable text, even when the file name is not valid UTF-8 (e.g. caf\\xe9.ipynb)."""
    text = str(path)
    try:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def cell_source(cell):
    """Return a cell's source as one string, whether stored as a string or a list of lines."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(piece for piece in source if isinstance(piece, str))
    return source if isinstance(source, str) else ""


def grade_id(cell):
    """Return the cell's nbgrader grade_id, or None (also when the metadata has the wrong type)."""
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    value = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return value if isinstance(value, str) else None


def code_cells(notebook):
    """Return [(cell number, cell)] for the code cells; cells are numbered from 1 as in JupyterLab."""
    return [(number, cell) for number, cell in enumerate(notebook["cells"], start=1) if cell.get("cell_type") == "code"]
