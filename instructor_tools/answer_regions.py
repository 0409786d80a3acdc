"""Answer regions of graded cells (between the YOUR CODE markers; nbgrader's solution blocks sit inside them)."""
import re
import unicodedata
from typing import NamedTuple

from public_tests.placeholder import placeholder

GRADED = re.compile(r"^#\s*GRADED FUNCTION:\s*(\w+)\s*$")
STARTS = "# YOUR CODE STARTS HERE"
ENDS = "# YOUR CODE ENDS HERE"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
# A line meant as one of the four markers: any number of #, any case or spacing, START for STARTS, a colon after.
LOOKALIKE = re.compile(r"#*\s*(?:your\s*code\s*(?P<edge>start|end)s?\s*here|(?P<side>begin|end)\s*solution)\W*", re.I)


def graded_name(source):
    """Return the function name of a graded cell's header (its first line that is not blank or another comment)."""
    for line in map(str.strip, source.split("\n")):
        match = GRADED.match(line)
        if match or (line and not line.startswith("#")):
            return match.group(1) if match else None
    return None


class Region(NamedTuple):
    """Lines [start, end) of a cell's source (numbered from 0) between an opening and a closing marker."""

    start: int
    end: int


def marker_meant(line):
    """Return the marker that ``line`` is meant as (invisible characters, case and spacing aside), or None."""
    visible = "".join(c for c in line if unicodedata.category(c) != "Cf").strip()
    match = LOOKALIKE.fullmatch(visible)
    if not match:
        return None
    if match["edge"]:
        return STARTS if match["edge"].lower() == "start" else ENDS
    return BEGIN_SOLUTION if match["side"].lower() == "begin" else END_SOLUTION


def blocks(lines, opening, closing):
    """Return the Regions between ``opening`` and ``closing`` lines in order. Raise ValueError on unbalanced ones."""
    found, open_at = [], None
    for number, line in enumerate(lines):
        if line.strip() == opening:
            if open_at is not None:
                raise ValueError(f"line {number + 1}: '{opening}' again before '{closing}'")
            open_at = number
        elif line.strip() == closing:
            if open_at is None:
                raise ValueError(f"line {number + 1}: '{closing}' without '{opening}'")
            found.append(Region(open_at + 1, number))
            open_at = None
    if open_at is not None:
        raise ValueError(f"line {open_at + 1}: '{opening}' is never closed by '{closing}'")
    return found


def regions(source):
    """Return the answer regions of ``source`` in order. Raise ValueError on unbalanced markers, naming a mistyped
    marker first (an invisible character in it, say), since that is the line to fix."""
    lines = source.split("\n")
    try:
        return blocks(lines, STARTS, ENDS)
    except ValueError:
        _raise_mistyped(lines)
        raise


def _raise_mistyped(lines):
    """Raise ValueError naming the first line meant as a marker but not typed exactly as one."""
    for number, line in enumerate(lines, start=1):
        meant, typed = marker_meant(line), line.strip()
        if meant is None or typed == meant:
            continue
        odd = sorted({c for c in typed if not c.isascii()})
        if odd:
            named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in odd)
            raise ValueError(f"line {number}: '{meant}' holds an invisible or unusual character ({named}): delete the "
                             "line and type it again") from None
        raise ValueError(f"line {number}: '{typed}' is not typed as the marker '{meant}': type it exactly so") from None


def check_graded(source, name, solved):
    """Raise ValueError, naming the line, unless every marker of graded cell ``source`` is typed exactly and its one
    answer region holds its one solution block (``solved``) or the one placeholder line of function ``name``."""
    lines = source.split("\n")
    _raise_mistyped(lines)
    solutions = blocks(lines, BEGIN_SOLUTION, END_SOLUTION)
    found = blocks(lines, STARTS, ENDS)
    if len(found) != 1:
        raise ValueError(f"it has {len(found)} answer regions; a graded cell has exactly one, between '{STARTS}' and "
                         f"'{ENDS}'")
    region = found[0]
    where = f"its answer region (markers on lines {region.start} and {region.end + 1})"
    if solved:
        if len(solutions) != 1 or not region.start < solutions[0].start <= solutions[0].end < region.end:
            shown = ", ".join(f"lines {s.start}-{s.end + 1}" for s in solutions) or "none"
            raise ValueError(f"{where} must hold exactly one block '{BEGIN_SOLUTION}' ... '{END_SOLUTION}', and no "
                             f"solution marker may stand outside it (solution blocks found: {shown})")
        return
    if solutions:
        raise ValueError(f"line {solutions[0].start}: '{BEGIN_SOLUTION}' in a student notebook: its solutions were "
                         "not emptied")
    at = [number for number, line in enumerate(lines) if line.strip() == placeholder(name)]
    if len(at) != 1 or not region.start <= at[0] < region.end:
        shown = ", ".join(str(number + 1) for number in at) or "none"
        raise ValueError(f"{where} must hold the placeholder line '{placeholder(name)}' once, and nowhere else "
                         f"(found on lines: {shown})")


def strip_solutions(source, name):
    """Replace each BEGIN/END SOLUTION block with the placeholder line for ``name``, at the BEGIN line's indent."""
    lines = source.split("\n")
    for block in reversed(blocks(lines, BEGIN_SOLUTION, END_SOLUTION)):
        begin = lines[block.start - 1]
        lines[block.start - 1: block.end + 1] = [begin[: len(begin) - len(begin.lstrip())] + placeholder(name)]
    return "\n".join(lines)
