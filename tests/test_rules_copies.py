"""Pasted copies keep their cell's metadata: a copy is an extra cell, never a moved or split graded cell; a real split
is still found, with work that does not grow with the number of copies."""
import copy

import pytest

from fixtures.grading.builders import NAMES, TEMPLATE, answered, cell_number
from instructor_tools.grading.rules import cells, check_submission
from notebook_tools import grade_id, text


def _pasted(notebook, copied, where, change=lambda source: source):
    """Return ``notebook`` with a copy of the cell whose grade_id is ``copied`` inserted as cell number ``where``."""
    cell = copy.deepcopy(notebook["cells"][cell_number(notebook, copied) - 1])
    cell["source"] = change(text(cell))
    notebook["cells"].insert(where - 1, cell)
    return notebook


EDITED = {"change": lambda source: source.replace("[2, 4, 1]", "[5, 3, 1]")}


@pytest.mark.parametrize("copied, where, change", [
    (NAMES[2] + "_test", lambda notebook: cell_number(notebook, NAMES[2]), {}),  # just above its graded cell
    (NAMES[0] + "_test", lambda notebook: 5, {}),  # near the top, above every graded cell
    (NAMES[1] + "_test", lambda notebook: len(notebook["cells"]) + 1, {}),  # at the end
    (NAMES[2] + "_test", lambda notebook: cell_number(notebook, NAMES[2]), EDITED),  # edited: the original is the one
], ids=["above its graded cell", "near the top", "at the end", "edited, above its graded cell"])
def test_a_pasted_copy_of_a_self_check_cell_is_an_extra_cell(copied, where, change):
    notebook = answered()
    at = where(notebook)
    located, violations, notes = check_submission(TEMPLATE, _pasted(notebook, copied, at, **change))
    assert [(v.rule, v.exercise, v.cell) for v in violations] == [("extra-cell", None, at)] and notes == []
    assert list(located) == NAMES


def test_a_copy_of_a_graded_cell_kept_as_scratch_is_an_extra_cell_not_a_split():
    def scratch(source):
        return source.split("\n", 1)[1] + "\nprint(initialize_parameters_he([2, 4, 1]))\n"

    notebook = _pasted(answered(), NAMES[2], len(answered()["cells"]) + 1, scratch)
    located, violations, _ = check_submission(TEMPLATE, notebook)
    assert [(v.rule, v.exercise, v.cell) for v in violations] == [("extra-cell", None, len(notebook["cells"]))]
    assert located[NAMES[2]].cell == cell_number(notebook, NAMES[2])


def test_a_split_graded_cell_is_named_with_the_piece_that_completes_it_past_a_scratch_copy():
    notebook = answered()
    index = cell_number(notebook, NAMES[0]) - 1
    lines = text(notebook["cells"][index]).split("\n")
    notebook = _pasted(notebook, NAMES[0], index + 2, lambda source: "\n".join(lines[20:]))
    notebook["cells"][index]["source"] = "\n".join(lines[:20])
    notebook = _pasted(notebook, NAMES[0], len(notebook["cells"]) + 1, lambda source: "x = 1  # scratch\n")
    _, violations, _ = check_submission(TEMPLATE, notebook)
    split = [v for v in violations if v.rule == "missing-cell"]
    assert [(v.exercise, v.cell) for v in split] == [(NAMES[0], index + 1)]
    assert f"its code continues in cell {index + 2}" in split[0].message



# ---- ADVERSARY5 B3: the self-check is chosen by position first (the check cell after its graded cell)


@pytest.mark.parametrize("copy_change", [{}, EDITED], ids=["pristine copy", "edited copy"])
def test_a_copy_of_the_self_check_above_the_graded_cell_and_an_edited_original_cost_nothing(copy_change):
    notebook = answered()
    at = cell_number(notebook, NAMES[2])
    notebook = _pasted(notebook, NAMES[2] + "_test", at, **copy_change)
    check = next(n for n, cell in enumerate(notebook["cells"], start=1) if n > at and grade_id(cell) == NAMES[2] + "_test")
    original = notebook["cells"][check - 1]
    original["source"] = text(original).replace("[2, 4, 1]", "[3, 5, 2]")  # the learner tries another shape
    located, violations, _ = check_submission(TEMPLATE, notebook)
    assert [(v.rule, v.exercise, v.cell) for v in violations] == [("extra-cell", None, at),
                                                                   ("edited-outside-answer", None, check)]
    assert list(located) == NAMES and located[NAMES[2]].cell == at + 1


# ---- ADVERSARY5 B4: many pasted pieces after a graded cell that is not whole: work bounded by the template cell


def _with_pieces(count):
    """Return a notebook whose he cell lost its return line, followed by ``count`` pasted copies of 25 code lines."""
    notebook = answered()
    index = cell_number(notebook, NAMES[2]) - 1
    graded = notebook["cells"][index]
    graded["source"] = text(graded).replace("    return parameters", "    pass")
    for number in range(count):
        piece = copy.deepcopy(graded)
        piece["source"], piece["id"] = "x = 1\n" * 25, f"piece-{number}"
        notebook["cells"].insert(index + 1, piece)
    return notebook, index + 1


def test_hundreds_of_pasted_pieces_after_a_graded_cell_that_is_not_whole_are_extra_cells(monkeypatch):
    counts = {}
    for count in (30, 600):  # the old code compared each longer join with the template: 600 pieces took minutes
        notebook, graded = _with_pieces(count)
        calls = []
        monkeypatch.setattr(cells, "whole", _counting(calls))
        located, violations, _ = check_submission(TEMPLATE, notebook)
        assert [(v.rule, v.exercise, v.cell) for v in violations] == [
            ("edited-outside-answer", NAMES[2], graded)] + [("extra-cell", None, graded + 1 + n) for n in range(count)]
        assert located[NAMES[2]].cell == graded
        counts[count] = len(calls)
    assert counts[30] == counts[600]  # the comparisons do not grow with the number of pieces


def _counting(calls, whole=cells.whole):
    def counted(*args):
        calls.append(args)
        return whole(*args)
    return counted


def test_a_graded_cell_split_into_one_cell_per_line_is_a_split():
    notebook = answered()
    index = cell_number(notebook, NAMES[0]) - 1
    lines = text(notebook["cells"][index]).split("\n")
    notebook["cells"][index]["source"] = "\n".join(lines[:3])
    for offset, line in enumerate(lines[3:], start=1):
        notebook = _pasted(notebook, NAMES[0], index + 1 + offset, lambda source, line=line: line)
    _, violations, _ = check_submission(TEMPLATE, notebook)
    split = [v for v in violations if v.rule == "missing-cell"]
    assert [(v.exercise, v.cell) for v in split] == [(NAMES[0], index + 1)]
    assert f"its code continues in cell {index + 2}" in split[0].message
