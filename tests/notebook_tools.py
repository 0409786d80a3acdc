"""Helpers for tests that read, fill and execute the notebooks."""
import inspect
import json
import pathlib
import re
import time

import nbformat
from nbclient import NotebookClient

from instructor_tools.answer_regions import graded_name, placeholder
from instructor_tools.notebook_files import cell_source as text, grade_id
from instructor_tools.release import ROOT, SOURCE, STUDENT  # noqa: F401 (the tests import them from here)
from printed import cost_lines
from reference import REFERENCE

ACCURACY_LINE = re.compile(r"^Accuracy: (\S+)$", re.M)


def load(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def cell_by_id(notebook, wanted):
    return next(c for c in notebook["cells"] if grade_id(c) == wanted)


def stream_text(cell):
    return "".join(text({"source": o["text"]}) for o in cell.get("outputs", []) if o["output_type"] == "stream")


def costs_printed(cell):
    return cost_lines(stream_text(cell))


def answer_lines(name):
    """Return the reference solution's two loop-body lines for exercise function ``name``."""
    kind = name.rsplit("_", 1)[1]
    source = inspect.getsource(REFERENCE[kind])
    return [line.strip() for line in source.splitlines() if line.strip().startswith("parameters[")]


def fill_answers(notebook, answers=answer_lines):
    """Replace each graded cell's placeholder with ``answers(name)``, indented in place."""
    for cell in notebook["cells"]:
        name = graded_name(text(cell)) if cell["cell_type"] == "code" else None
        if not name:
            continue
        out = []
        for line in text(cell).split("\n"):
            if line.strip() == placeholder(name):
                indent = line[: len(line) - len(line.lstrip())]
                out.extend(indent + answer for answer in answers(name))
            else:
                out.append(line)
        cell["source"] = "\n".join(out)
    return notebook


def execute(notebook, cwd, allow_errors=False, timeout=600):
    """Execute a notebook dict in a fresh kernel; return (executed dict, seconds)."""
    node = nbformat.reads(json.dumps(notebook), as_version=4)
    start = time.perf_counter()
    NotebookClient(node, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(cwd)}}, store_widget_state=False).execute()
    return json.loads(nbformat.writes(node)), time.perf_counter() - start
