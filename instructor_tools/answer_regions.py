"""Answer regions of graded cells: find them, empty them, and tell whether they hold work.

A graded cell starts with ``# GRADED FUNCTION: <name>`` and keeps the learner's code
between ``# YOUR CODE STARTS HERE`` and ``# YOUR CODE ENDS HERE``. In the solved
source notebook the solution sits inside that region between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` (nbgrader's markers).
"""
import re
from dataclasses import dataclass

from public_tests.placeholder import placeholder

GRADED = re.compile(r"^#\s*GRADED FUNCTION:\s*(\w+)\s*$")
STARTS = "# YOUR CODE STARTS HERE"
ENDS = "# YOUR CODE ENDS HERE"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"


def graded_name(source):
    """Return the function name of a graded cell's first line, or None for other cells."""
    first = source.lstrip("\n").split("\n", 1)[0]
    match = GRADED.match(first.strip())
    return match.group(1) if match else None


@dataclass
class Region:
    """Lines [start, end) of a cell's source between the STARTS and ENDS markers."""

    start: int
    end: int
    indent: str
    lines: list


def regions(source):
    """Return the answer regions of ``source`` in order. Raise ValueError on unbalanced markers."""
    found, open_at = [], None
    lines = source.split("\n")
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped == STARTS:
            if open_at is not None:
                raise ValueError(f"line {number + 1}: '{STARTS}' again before '{ENDS}'")
            open_at = number
        elif stripped == ENDS:
            if open_at is None:
                raise ValueError(f"line {number + 1}: '{ENDS}' without '{STARTS}'")
            indent = lines[open_at][: len(lines[open_at]) - len(lines[open_at].lstrip())]
            found.append(Region(open_at + 1, number, indent, lines[open_at + 1:number]))
            open_at = None
    if open_at is not None:
        raise ValueError(f"line {open_at + 1}: '{STARTS}' is never closed by '{ENDS}'")
    return found


def strip_solutions(source, name):
    """Replace each BEGIN/END SOLUTION block with the placeholder line for ``name``."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + placeholder(name))
        elif stripped == END_SOLUTION:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{name}: '{BEGIN_SOLUTION}' is never closed by '{END_SOLUTION}'")
    return "\n".join(out)


def holds_work(source, name):
    """Return True if any answer region has code other than the placeholder, comments and blanks."""
    for region in regions(source):
        for line in region.lines:
            code = line.strip()
            if code and not code.startswith("#") and code != placeholder(name):
                return True
    return False
