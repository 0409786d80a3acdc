"""The course's submission rules, checked by comparing a submission with the student template.

Rules that cost points (an exercise whose graded cell breaks one scores 0 unless --lenient):
renamed-function, changed-signature, global-variable, course-helper, extra-print, missing-cell,
edited-outside-answer. Rules that cost nothing: extra-cell, and edits of read-only cells.
Notes (cosmetic-edit) only inform. Nothing here runs the submission's code.
"""
import ast
import builtins
import difflib
import importlib
from dataclasses import asdict, dataclass, field

from ..answer_regions import ENDS, STARTS, graded_name, regions
from ..notebook_files import code_cells, grade_id
from .code_compare import code_key, code_tokens, fallback_lines, first_difference, normalize_newlines
from .python_cells import python_source


@dataclass
class Violation:
    rule: str
    exercise: object  # str or None
    cell: object  # int or None, numbered from 1 over all cells
    line: object  # int or None, numbered from 1 within the cell
    message: str

    def to_dict(self):
        return asdict(self)


@dataclass
class Template:
    """What the grader needs from the student template (plain data: picklable)."""

    import_source: str  # plain Python (magics transformed)
    graded: dict  # exercise name -> template cell source, in notebook order
    points: dict  # exercise name -> points of its self-check cell
    locked: dict  # grade_id -> source of every other code cell
    allowed_globals: set  # names a graded function may read besides its own
    helper_names: set = field(default_factory=set)  # of those, the ones the course's own packages bind


@dataclass
class Located:
    """Where an exercise's graded cell is in the submission."""

    cell: int
    source: str


def source_of(cell):
    """Return a code cell's source as one string with LF line endings (the notebook is already validated)."""
    source = cell.get("source", "")
    return normalize_newlines("".join(source) if isinstance(source, list) else source)


def load_template(notebook):
    """Return the Template of a student notebook (see release.py)."""
    graded, points, locked, import_source = {}, {}, {}, None
    for _, cell in code_cells(notebook):
        source = source_of(cell)
        name = graded_name(source)
        if name:
            graded[name] = source
        else:
            locked[grade_id(cell)] = source
            if import_source is None:
                import_source = source
    for _, cell in code_cells(notebook):
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        for name in graded:
            if grade_id(cell) == f"{name}_test":
                points[name] = float(nbgrader.get("points", 1))
    plain = python_source(import_source or "")
    allowed = imported_names(plain) | {"get_ipython", "__builtins__"}  # in every IPython namespace
    helpers = imported_names(plain, only=HELPER_PACKAGES)
    return Template(plain, graded, {n: points.get(n, 1.0) for n in graded}, locked, allowed, helpers)


# The course's own packages: their helpers draw weights too (init_utils.schemes, the self-checks' draws), so a
# graded function may not use them; it writes its answer with numpy and Python.
HELPER_PACKAGES = ("init_utils", "public_tests")


def imported_names(source, only=None):
    """Return the names an import cell binds, expanding ``from module import *`` (with ``only``: the names
    bound from those top-level packages)."""
    names = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names
                         if only is None or a.name.split(".")[0] in only)
        elif isinstance(node, ast.ImportFrom):
            if only is not None and (node.level or (node.module or "").split(".")[0] not in only):
                continue
            for alias in node.names:
                if alias.name == "*":
                    module = importlib.import_module(node.module)
                    names.update(getattr(module, "__all__", [n for n in dir(module) if not n.startswith("_")]))
                else:
                    names.add(alias.asname or alias.name)
    return names


def parse(source):
    """Return the AST of a cell as IPython would run it, or None on a SyntaxError."""
    try:
        return ast.parse(python_source(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def check_submission(template, notebook):
    """Return (located graded cells by exercise, violations, notes)."""
    violations, notes, located = [], [], {}
    cells = [(number, cell, source_of(cell)) for number, cell in code_cells(notebook)]
    by_header = {}
    for number, cell, source in cells:
        name = graded_name(source)
        if name:
            by_header.setdefault(name, []).append((number, cell, source))
    for name in template.graded:
        found = locate(name, template, cells, by_header, violations)
        if found:
            located[name] = found
            violations += graded_cell_violations(name, template, found, notes)
    violations += order_violations(template, located, cells)
    violations += other_cell_violations(template, located, cells, notes)
    return located, without_duplicates(violations), notes


SPECIFIC = ("renamed-function", "changed-signature")


def without_duplicates(violations):
    """Drop an edited-outside-answer finding on a line that a more specific rule already names."""
    named = {(v.exercise, v.cell, v.line) for v in violations if v.rule in SPECIFIC}
    return [v for v in violations
            if not (v.rule == "edited-outside-answer" and (v.exercise, v.cell, v.line) in named)]


PRIORITY = ("renamed-function", "changed-signature", "global-variable", "course-helper", "extra-print", "missing-cell",
            "edited-outside-answer", "extra-cell")


def most_specific(violations):
    """Return the violation to name first: the most specific rule, then the earliest line."""
    return min(violations, key=lambda v: (PRIORITY.index(v.rule), v.line or 0))


def locate(name, template, cells, by_header, violations):
    """Find the graded cell of exercise ``name``; record missing or renamed cells."""
    headed = by_header.get(name, [])
    if len(headed) > 1:
        numbers = ", ".join(str(n) for n, _, _ in headed)
        violations.append(Violation("missing-cell", name, headed[1][0], None,
                                    f"the graded cell of {name} appears more than once (cells {numbers}); keep only one."))
    if headed:
        number, cell, source = headed[0]
        same_id = [n for n, c, s in cells if grade_id(c) == name and n != number and not graded_name(s)]
        if same_id:
            violations.append(Violation("missing-cell", name, number, None,
                                        f"the graded cell of {name} was split (its code continues in cell {same_id[0]}); "
                                        "merge the cells back into one."))
        return Located(number, source)
    for number, cell, source in cells:
        if grade_id(cell) == name or graded_name(source) not in (None, *template.graded):
            defined = top_level_functions(source)
            if name not in defined and defined:
                violations.append(Violation("renamed-function", name, number, defined[0][1],
                                            f"the graded cell defines {defined[0][0]} instead of {name}; "
                                            f"the grader calls {name}, so keep the name and its '# GRADED FUNCTION' line."))
                return None
            if grade_id(cell) == name:
                violations.append(Violation("edited-outside-answer", name, number, 1,
                                            f"the first line must stay '# GRADED FUNCTION: {name}'."))
                return Located(number, source)
    for number, cell, source in cells:
        if name in [f for f, _ in top_level_functions(source)]:
            violations.append(Violation("missing-cell", name, number, None,
                                        f"the graded cell of {name} is gone; {name} is defined in cell {number} instead. "
                                        "Restore the original cell (re-download the notebook and copy your answer in)."))
            return Located(number, source)
    violations.append(Violation("missing-cell", name, None, None,
                                f"the graded cell of {name} was deleted. Restore it from a fresh copy of the notebook."))
    return None


def top_level_functions(source):
    """Return [(name, line)] of functions defined at the top level of ``source`` (empty on a SyntaxError)."""
    tree = parse(source)
    if tree is None:
        return []
    return [(node.name, node.lineno) for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def graded_cell_violations(name, template, found, notes):
    """Return the rule violations inside one graded cell."""
    violations = outside_violations(name, template.graded[name], found, notes)
    tree = parse(found.source)
    if tree is None:
        return violations  # reported by the run, with its line
    template_tree = ast.parse(template.graded[name])
    violations += print_violations(name, tree, found.cell)
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    expected = next(n for n in template_tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    function = functions.get(name)
    if function is None:
        if functions:
            other = next(iter(functions.values()))
            violations.append(Violation("renamed-function", name, found.cell, other.lineno,
                                        f"defines {other.name} instead of {name}; the grader calls {name}."))
        else:
            violations.append(Violation("renamed-function", name, found.cell, None,
                                        f"the graded cell no longer defines {name}."))
        return violations
    if signature(function) != signature(expected):
        violations.append(Violation("changed-signature", name, found.cell, function.lineno,
                                    f"{name}({ast.unparse(function.args)}) must keep its parameters as given: "
                                    f"{name}({ast.unparse(expected.args)})."))
    violations += global_violations(name, function, expected, template, found.cell)
    violations += helper_violations(name, tree, function, template, found.cell)
    return violations


def helper_violations(name, tree, function, template, cell):
    """Report uses of the course's own packages in a graded cell: importing them, or calling their helpers."""
    found, seen = [], set()
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module or ""]
        for module in modules:
            if module.split(".")[0] in HELPER_PACKAGES:
                found.append(Violation("course-helper", name, cell, node.lineno, HELPER_MESSAGE.format(
                    what=f"imports {module}")))
    for node in ast.walk(function):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in template.helper_names
                and node.id not in seen):
            seen.add(node.id)
            found.append(Violation("course-helper", name, cell, node.lineno, HELPER_MESSAGE.format(
                what=f"uses {node.id}, a helper of the course")))
    return sorted(found, key=lambda v: v.line)


HELPER_MESSAGE = ("{what}: a graded function is written with numpy and Python only (the course's packages "
                  "already know the answers); remove it.")


PRINT_MESSAGE = ("print in a graded cell{how}: remove it (the grader reads return values only, and the course "
                 "counts extra output as a broken rule).")


def print_violations(name, tree, cell):
    """Report the ways of reaching print that the code shows: a call, an alias (show = print), builtins.print,
    getattr(..., "print"), vars(builtins)["print"], and eval/exec/compile of a text that mentions print.

    Code can also compute the name (eval("pri" + "nt")), which no reading of the code can follow; output
    cannot change a grade anyway (the grader reads only returned values).
    """
    found = []
    for node in ast.walk(tree):
        how = None
        if isinstance(node, ast.Name) and node.id == "print" and isinstance(node.ctx, ast.Load):
            how = ""
        elif isinstance(node, ast.Attribute) and node.attr == "print":
            how = f" ({ast.unparse(node)})"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and _mentions_print(node.args[1], exact=True)):
            how = " (getattr(..., 'print'))"
        elif isinstance(node, ast.Subscript) and _mentions_print(node.slice, exact=True):
            how = f" ({_short(node)})"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("eval", "exec", "compile") and any(_mentions_print(a) for a in node.args)):
            how = f" (in text run by {node.func.id})"
        elif isinstance(node, ast.ImportFrom) and any(a.name == "print" for a in node.names):
            how = " (imported from builtins)"
        if how is not None:
            found.append(Violation("extra-print", name, cell, node.lineno, PRINT_MESSAGE.format(how=how)))
    return sorted(found, key=lambda v: v.line)


def _mentions_print(node, exact=False):
    """Return True if ``node`` is a text constant (or f-string part) that is, or with exact=False holds, 'print'."""
    for part in ast.walk(node):
        if isinstance(part, ast.Constant) and isinstance(part.value, (str, bytes)):
            text = part.value.decode("latin-1") if isinstance(part.value, bytes) else part.value
            if (text.strip() == "print") if exact else ("print" in text):
                return True
    return False


def _short(node):
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def signature(function):
    return ast.dump(function.args, annotate_fields=True, include_attributes=False)


def outside_code(source, template_source=None):
    """Return (text outside the answer regions, [original line number of each of its lines], extra regions).

    With ``template_source`` and more regions than it has, only the template's regions count: each is
    matched, in order, with the submission's region that follows the same line of code; any other region
    (markers a learner added) is returned in ``extra`` and its lines stay outside code.
    """
    lines = source.split("\n")
    keep = [True] * len(lines)
    found = regions(source)
    extra = []
    if template_source is not None and len(found) > len(regions(template_source)):
        wanted = [_anchor(template_source.split("\n"), r) for r in regions(template_source)]
        kept, position = [], 0
        for region in found:
            if position < len(wanted) and _anchor(lines, region) == wanted[position]:
                kept.append(region)
                position += 1
            else:
                extra.append(region)
        found = kept
    for region in found:
        for number in range(region.start, region.end):
            keep[number] = False
    numbers = [n + 1 for n in range(len(lines)) if keep[n]]
    return "\n".join(lines[n - 1] for n in numbers), numbers, extra


def _anchor(lines, region):
    """Return the code line just before a region's STARTS marker (blank and comment lines skipped), stripped."""
    for number in range(region.start - 2, -1, -1):
        code = lines[number].strip()
        if code and not code.startswith("#"):
            return " ".join(code.split())
    return ""


def outside_violations(name, template_source, found, notes):
    """Compare the code outside the answer regions with the template's, token by token."""
    try:
        ours, our_lines, extra = outside_code(found.source, template_source)
    except ValueError as error:
        return [Violation("edited-outside-answer", name, found.cell, None,
                          f"the answer markers are broken ({error}); put back '{STARTS}' and '{ENDS}' as they were.")]
    theirs, _, _ = outside_code(template_source)
    if extra:
        count = len(regions(template_source))
        return [Violation("edited-outside-answer", name, found.cell, extra[0].start,
                          f"answer markers were added: this cell has {count} answer region(s), and only the "
                          f"template's markers count. Move your code back between the original '{STARTS}' and "
                          f"'{ENDS}' lines and delete the markers you added.")]
    difference = _code_difference(theirs, ours)
    if difference:
        line, what = difference
        return [Violation("edited-outside-answer", name, found.cell, our_lines[line - 1] if line else None,
                          f"code outside the answer region was changed: {what}. Only write between "
                          f"'{STARTS}' and '{ENDS}'.")]
    cosmetic = _cosmetic_line(theirs, ours)
    if cosmetic:
        notes.append(Violation("cosmetic-edit", name, found.cell, our_lines[cosmetic - 1],
                               "comments, blank lines or spacing outside the answer region differ from the "
                               "template; this costs nothing."))
    return []


def _code_difference(expected, found):
    """Return (line in ``found`` or None, description) of the first code difference, or None if the code is the same."""
    try:
        a, b = code_tokens(expected), code_tokens(found)
        keys_a, keys_b = [t.key for t in a], [t.key for t in b]
        lines_a, lines_b = [t.line for t in a], [t.line for t in b]
    except ValueError:
        a, b = fallback_lines(expected), fallback_lines(found)
        keys_a, keys_b = [c for _, c in a], [c for _, c in b]
        lines_a, lines_b = [n for n, _ in a], [n for n, _ in b]
    where = first_difference(keys_a, keys_b)
    if where is None:
        return None
    index = where[0]
    text_a, text_b = expected.split("\n"), found.split("\n")
    old = text_a[lines_a[index] - 1].strip() if index < len(lines_a) else None
    new = text_b[lines_b[index] - 1].strip() if index < len(lines_b) else None
    line = lines_b[index] if index < len(lines_b) else (lines_b[-1] if lines_b else None)
    if new is None:
        return line, f"the code {old!r} is missing"
    if old is None:
        return line, f"the code {new!r} was added"
    if old == new:
        return line, f"the code on the line {new!r} was changed (its indentation or what follows it)"
    return line, f"expected {old!r}, found {new!r}"


def _cosmetic_line(expected, found):
    """Return the first line of ``found`` that differs from ``expected`` beyond trailing spaces and blank lines
    at either end, or None."""
    a, b = _trimmed(expected), _trimmed(found)
    where = first_difference(a[1], b[1])
    if where is None:
        return None
    return b[0] + min(where[0], max(len(b[1]) - 1, 0)) + 1


def _trimmed(text):
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        return 0, []
    return filled[0], lines[filled[0]:filled[-1] + 1]


def global_violations(name, function, expected, template, cell):
    """Report names the function reads from the notebook instead of its parameters or locals."""
    parameters = [a.arg for a in expected.args.args + expected.args.kwonlyargs]
    local, loads = set(), []
    for node in ast.walk(function):
        if isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, ast.Name):
            (local.add(node.id) if isinstance(node.ctx, (ast.Store, ast.Del)) else loads.append(node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not function:
            local.add(node.name)
        elif isinstance(node, ast.alias):
            local.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            local.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            local.add(node.rest)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for declared in node.names:
                loads.append(ast.Name(id=declared, lineno=node.lineno))
    free = [n for n in loads
            if n.id not in local and n.id != name and n.id not in template.allowed_globals and not hasattr(builtins, n.id)]
    violations, seen = [], set()
    for node in free:
        if node.id in seen:
            continue
        seen.add(node.id)
        if node.id in template.graded:
            message = (f"{name} calls {node.id}, another graded function. Each graded function is graded on its own: "
                       "write the lines you need inside this one.")
        else:
            close = difflib.get_close_matches(node.id, parameters, n=1, cutoff=0.6)
            hint = (f" Did you mean the parameter `{close[0]}`?" if close
                    else " Use only the function's parameters and its own variables.")
            message = f"{name} reads `{node.id}`, a variable from the notebook, not one of its parameters." + hint
        violations.append(Violation("global-variable", name, cell, node.lineno, message))
    return violations


def order_violations(template, located, cells):
    """Report graded cells that were moved out of the template's order or below their self-check."""
    violations, last = [], 0
    for name in template.graded:
        if name not in located:
            continue
        number = located[name].cell
        check = [n for n, c, _ in cells if grade_id(c) == f"{name}_test"]
        if number < last or (check and check[0] < number):
            violations.append(Violation("missing-cell", name, number, None,
                                        f"the graded cell of {name} was moved; put it back where it was, "
                                        "before its self-check and in the original order."))
        last = max(last, number)
    return violations


def other_cell_violations(template, located, cells, notes):
    """Report extra code cells, and edited or deleted read-only cells (these cost nothing)."""
    violations, seen = [], set()
    graded_cells = {found.cell for found in located.values()}
    by_code = {}
    for key, source in template.locked.items():
        by_code.setdefault(code_key(source), key)
    for number, cell, source in cells:
        if number in graded_cells or graded_name(source) or not source.strip():
            continue
        key = grade_id(cell)
        if key in template.locked and key not in seen:
            seen.add(key)
            original = template.locked[key]
            difference = _code_difference(original, source)
            if difference:
                violations.append(Violation("edited-outside-answer", None, number, difference[0],
                                            f"a read-only cell was changed ({difference[1]}); restore it as it was."))
            elif _cosmetic_line(original, source):
                notes.append(Violation("cosmetic-edit", None, number, _cosmetic_line(original, source),
                                       "comments, blank lines or spacing in a read-only cell differ from the "
                                       "template; this costs nothing."))
            continue
        match = by_code.get(code_key(source))
        if match is not None and match not in seen:
            seen.add(match)
        else:
            violations.append(Violation("extra-cell", None, number, None,
                                        "this code cell is not part of the assignment; delete it (keep scratch "
                                        "work in a separate notebook)."))
    for key in template.locked:
        if key not in seen:
            violations.append(Violation("missing-cell", None, None, None,
                                        f"the read-only cell '{key}' was deleted; restore it from a fresh copy."))
    return violations
