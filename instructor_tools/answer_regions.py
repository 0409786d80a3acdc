"""Answer regions of graded cells (between the YOUR CODE markers; nbgrader's solution blocks sit inside them)."""
import re
from typing import NamedTuple

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


class Region(NamedTuple):
    """Lines [start, end) of a cell's source (numbered from 0) between the STARTS and ENDS markers."""

    start: int
    end: int


def regions(source):
    """Return the answer regions of ``source`` in order. Raise ValueError on unbalanced markers."""
    found, open_at = [], None
    for number, line in enumerate(source.split("\n")):
        if line.strip() == STARTS:
            if open_at is not None:
                raise ValueError(f"line {number + 1}: '{STARTS}' again before '{ENDS}'")
            open_at = number
        elif line.strip() == ENDS:
            if open_at is None:
                raise ValueError(f"line {number + 1}: '{ENDS}' without '{STARTS}'")
            found.append(Region(open_at + 1, number))
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
    """Return True if an answer region has code other than the placeholder, or the markers are broken."""
    try:
        found = regions(source)
    except ValueError:
        return True
    lines = source.split("\n")
    code = {lines[number].strip() for region in found for number in range(region.start, region.end)}
    return any(line and not line.startswith("#") and line != placeholder(name) for line in code)
