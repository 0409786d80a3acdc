"""Rules about cells: find each graded cell, and report missing, moved, extra or edited cells."""
import ast

from ...answer_regions import ENDS, STARTS, graded_name
from ...notebook_files import grade_id
from ..code_compare import code_key
from .graded import graded_cell_violations
from .model import Located, Violation, code_sources, parse, without_contradictions, without_duplicates
from .outside import code_difference, cosmetic_line, outside_violations


def check_submission(template, notebook):
    """Return (located graded cells by exercise, violations, notes)."""
    violations, notes, located = [], [], {}
    cells = code_sources(notebook)
    for name in template.graded:
        found = locate(name, template, cells, violations)
        if found:
            located[name] = found
            violations += graded_cell_violations(name, template, found, notes)
    read_only = read_only_cells(template, located, cells)
    violations += order_violations(template, located, read_only)
    violations = without_duplicates(violations + other_cell_violations(template, located, cells, read_only, notes))
    return located, violations, without_contradictions(notes, violations)


def _missing(name, number, message):
    return Violation("missing-cell", name, number, None, message)


def locate(name, template, cells, violations):
    """Find the graded cell of exercise ``name``; record missing or renamed cells."""
    headed = [(number, cell, source) for number, cell, source in cells if graded_name(source) == name]
    if len(headed) > 1:
        violations.append(_missing(name, headed[1][0], f"the graded cell of {name} appears more than once (cells "
                                   f"{', '.join(str(n) for n, _, _ in headed)}); keep only one."))
    if headed:
        number, source = headed[0][0], headed[0][2]
        split = split_pieces(name, template, cells, number, source)
        if split:
            violations.append(_missing(name, number, f"the graded cell of {name} was split (its code continues in cell "
                                       f"{split[0]}); merge the cells back into one."))
        return Located(number, source)
    for number, cell, source in cells:
        if grade_id(cell) == name or graded_name(source) not in (None, *template.graded):
            defined = top_level_functions(source)
            if defined and name not in defined:
                other, line = next(iter(defined.items()))
                violations.append(Violation("renamed-function", name, number, line,
                                            f"the graded cell defines {other} instead of {name}; the grader calls "
                                            f"{name}, so keep the name and its '# GRADED FUNCTION' line."))
                return None
            if grade_id(cell) == name:
                violations.append(_header_edited(name, number))
                return Located(number, source)
    for number, _, source in cells:
        if name in top_level_functions(source):
            violations.append(_header_edited(name, number) if whole(name, template, source) else _missing(
                name, number, f"the graded cell of {name} is gone; {name} is defined in cell {number} instead. Restore "
                "the original cell (re-download the notebook and copy your answer in)."))
            return Located(number, source)
    violations.append(_missing(name, None, f"the graded cell of {name} was deleted. Restore it from a fresh copy of "
                               "the notebook."))
    return None


def _header_edited(name, number):
    return Violation("edited-outside-answer", name, number, 1, f"the first line must stay '# GRADED FUNCTION: {name}'.")


def whole(name, template, source):
    """Return True if ``source`` holds all of the graded cell of ``name``: its code outside the answer is the template's."""
    return not outside_violations(name, template.graded[name], Located(0, source), [])


def split_pieces(name, template, cells, number, source):
    """Return the numbers of the cells after the graded cell that, joined to it, give the whole graded cell.

    A pasted copy keeps the graded cell's metadata: a cell with its grade_id is a piece only if it completes the cell.
    The work stays near-linear: each piece is read once, and the join is compared with the template only after a
    piece adds a marker or code outside the answer region, until it holds more than the template cell could.
    """
    if whole(name, template, source):
        return []
    most_markers, most_code, _ = _outside_shape(template.graded[name])
    markers, code, inside = _outside_shape(source)
    joined, pieces = [source], []
    for other, cell, text in cells:
        if other <= number or grade_id(cell) != name or graded_name(text):
            continue
        joined.append(text)
        pieces.append(other)
        added_markers, added_code, inside = _outside_shape(text, inside)
        if not added_markers + added_code:
            continue  # blank lines, comments or answer code: the code outside the answer region stays as it was
        markers, code = markers + added_markers, code + added_code
        if markers > most_markers or code > 2 * most_code:  # twice: room for code spread over more lines
            return []
        if whole(name, template, "\n".join(joined)):
            return pieces
    return []


def _outside_shape(source, inside=False):
    """Return (answer markers, code lines outside the answer regions, whether a region is still open) of ``source``."""
    markers = code = 0
    for line in map(str.strip, source.split("\n")):
        if line in (STARTS, ENDS):
            markers, inside = markers + 1, line == STARTS
        elif line and not line.startswith("#") and not inside:
            code += 1
    return markers, code, inside


def top_level_functions(source):
    """Return {name: first line} of the functions defined at the top level of ``source`` (empty on a SyntaxError)."""
    tree, found = parse(source), {}
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.setdefault(node.name, node.lineno)
    return found


def read_only_cells(template, located, cells):
    """Return {grade_id: cell number} of the read-only cells found by their metadata.

    A pasted copy keeps the metadata. Of several cells with one grade_id, position decides first: take a cell after
    the one taken for the previous read-only cell and after a self-check's graded cell, else the last. Among those,
    the first whose code is the template's, else the first. The others are extra cells.
    """
    graded_cells, candidates = {found.cell for found in located.values()}, {}
    for number, cell, source in cells:
        key = grade_id(cell)
        if key in template.locked and number not in graded_cells and not graded_name(source) and source.strip():
            candidates.setdefault(key, []).append((number, code_key(source) == code_key(template.locked[key])))
    chosen, after = {}, 0
    for key in template.locked:
        tested = located.get(key.removesuffix("_test")) if isinstance(key, str) and key.endswith("_test") else None
        after = max(after, tested.cell if tested else 0)
        numbers = candidates.get(key, [])
        later = [(number, same) for number, same in numbers if number > after] or numbers[-1:]
        if later:
            chosen[key] = next((number for number, same in later if same), later[0][0])
            after = max(after, chosen[key])
    return chosen


def order_violations(template, located, read_only):
    """Report graded cells that were moved out of the template's order or below their self-check."""
    violations, last = [], 0
    for name in [name for name in template.graded if name in located]:
        number = located[name].cell
        check = read_only.get(f"{name}_test")
        if number < last or (check is not None and check < number):
            violations.append(_missing(name, number, f"the graded cell of {name} was moved; put it back where it was, "
                                       "before its self-check and in the original order."))
        last = max(last, number)
    return violations


def other_cell_violations(template, located, cells, read_only, notes):
    """Report extra code cells, and edited or deleted read-only cells (these cost nothing)."""
    violations, seen = [], set(read_only)
    graded_cells = {found.cell for found in located.values()}
    chosen = {number: key for key, number in read_only.items()}
    by_code = {}
    for key, source in template.locked.items():
        by_code.setdefault(code_key(source), key)
    for number, _, source in cells:
        if number in graded_cells or graded_name(source) or not source.strip():
            continue
        if number in chosen:
            violations += _read_only_edits(template.locked[chosen[number]], source, number, notes)
        elif (match := by_code.get(code_key(source))) not in seen | {None}:
            seen.add(match)
        else:
            violations.append(Violation("extra-cell", None, number, None, "this code cell is not part of the assignment; "
                                        "delete it (keep scratch work in a separate notebook)."))
    return violations + [_missing(None, None, f"the read-only cell '{key}' was deleted; restore it from a fresh copy.")
                         for key in template.locked if key not in seen]


def _read_only_edits(original, source, number, notes):
    """Return the violation of a read-only cell whose code changed; note one whose spacing or comments did."""
    difference = code_difference(original, source)
    if difference:
        return [Violation("edited-outside-answer", None, number, difference[0],
                          f"a read-only cell was changed ({difference[1]}); restore it as it was.")]
    cosmetic = cosmetic_line(original, source)
    if cosmetic:
        notes.append(Violation("cosmetic-edit", None, number, cosmetic, "comments, blank lines or spacing in a read-only "
                               "cell differ from the template; this costs nothing."))
    return []
