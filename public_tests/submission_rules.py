"""The course's submission rules, checked by comparing a submission with the student template.

Rules: extra-print, extra-cell, changed-signature, global-variable, edited-outside-answer,
missing-cell, renamed-function. Nothing here runs the submission's code.
"""
import ast
import builtins
import difflib
import importlib
from dataclasses import asdict, dataclass

from .answer_regions import graded_name, outside_regions, regions
from .notebook_files import cell_source, code_cells, grade_id


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
    """What the grader needs from the student template."""

    import_source: str
    graded: dict  # exercise name -> template cell source, in notebook order
    points: dict  # exercise name -> points of its self-check cell
    locked: dict  # grade_id -> source of every other code cell
    allowed_globals: set  # names a graded function may read besides its own


@dataclass
class Located:
    """Where an exercise's graded cell is in the submission."""

    cell: int
    source: str


def load_template(notebook):
    """Return the Template of a student notebook (see release.py)."""
    graded, points, locked, import_source = {}, {}, {}, None
    for _, cell in code_cells(notebook):
        source = cell_source(cell)
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
    return Template(import_source or "", graded, {n: points.get(n, 1.0) for n in graded}, locked,
                    imported_names(import_source or ""))


def imported_names(source):
    """Return the names an import cell binds, expanding ``from module import *``."""
    names = set()
    try:
        tree = ast.parse(strip_magics(source))
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    module = importlib.import_module(node.module)
                    names.update(getattr(module, "__all__", [n for n in dir(module) if not n.startswith("_")]))
                else:
                    names.add(alias.asname or alias.name)
    return names


def strip_magics(source):
    """Return source with IPython magics and shell lines (%..., !...) commented out."""
    return "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def check_submission(template, notebook):
    """Return (located graded cells by exercise, violations)."""
    violations, located = [], {}
    cells = code_cells(notebook)
    by_header = {}
    for number, cell in cells:
        name = graded_name(cell_source(cell))
        if name:
            by_header.setdefault(name, []).append((number, cell))
    for name in template.graded:
        found = locate(name, template, cells, by_header, violations)
        if found:
            located[name] = found
            violations += graded_cell_violations(name, template, found)
    violations += order_violations(template, located, cells)
    violations += other_cell_violations(template, located, cells)
    return located, without_duplicates(violations)


SPECIFIC = ("renamed-function", "changed-signature")


def without_duplicates(violations):
    """Drop an edited-outside-answer finding on a line that a more specific rule already names."""
    named = {(v.exercise, v.cell, v.line) for v in violations if v.rule in SPECIFIC}
    return [v for v in violations
            if not (v.rule == "edited-outside-answer" and (v.exercise, v.cell, v.line) in named)]


PRIORITY = ("renamed-function", "changed-signature", "global-variable", "extra-print", "missing-cell",
            "edited-outside-answer", "extra-cell")


def most_specific(violations):
    """Return the violation to name first: the most specific rule, then the earliest line."""
    return min(violations, key=lambda v: (PRIORITY.index(v.rule), v.line or 0))


def locate(name, template, cells, by_header, violations):
    """Find the graded cell of exercise ``name``; record missing or renamed cells."""
    headed = by_header.get(name, [])
    if len(headed) > 1:
        numbers = ", ".join(str(n) for n, _ in headed)
        violations.append(Violation("missing-cell", name, headed[1][0], None,
                                    f"the graded cell of {name} appears more than once (cells {numbers}); keep only one."))
    if headed:
        number, cell = headed[0]
        same_id = [n for n, c in cells if grade_id(c) == name and n != number and not graded_name(cell_source(c))]
        if same_id:
            violations.append(Violation("missing-cell", name, number, None,
                                        f"the graded cell of {name} was split (its code continues in cell {same_id[0]}); "
                                        "merge the cells back into one."))
        return Located(number, cell_source(cell))
    for number, cell in cells:
        source = cell_source(cell)
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
    for number, cell in cells:
        if name in [f for f, _ in top_level_functions(cell_source(cell))]:
            violations.append(Violation("missing-cell", name, number, None,
                                        f"the graded cell of {name} is gone; {name} is defined in cell {number} instead. "
                                        "Restore the original cell (re-download the notebook and copy your answer in)."))
            return Located(number, cell_source(cell))
    violations.append(Violation("missing-cell", name, None, None,
                                f"the graded cell of {name} was deleted. Restore it from a fresh copy of the notebook."))
    return None


def top_level_functions(source):
    """Return [(name, line)] of functions defined at the top level of ``source`` (empty on a SyntaxError)."""
    try:
        tree = ast.parse(strip_magics(source))
    except SyntaxError:
        return []
    return [(node.name, node.lineno) for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def graded_cell_violations(name, template, found):
    """Return the rule violations inside one graded cell."""
    violations = outside_violations(name, template.graded[name], found)
    try:
        tree = ast.parse(strip_magics(found.source))
    except SyntaxError:
        return violations  # reported by the run, with its line
    template_tree = ast.parse(template.graded[name])
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            violations.append(Violation("extra-print", name, found.cell, node.lineno,
                                        "print() in a graded cell: remove it (the grader reads return values, "
                                        "and extra output can break grading)."))
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
    violations += global_violations(name, function, expected, template.allowed_globals, found.cell)
    return violations


def signature(function):
    return ast.dump(function.args, annotate_fields=True, include_attributes=False)


def outside_violations(name, template_source, found):
    """Compare everything outside the answer regions with the template, line by line."""
    try:
        ours = outside_regions(found.source)
        regions(found.source)
    except ValueError as error:
        return [Violation("edited-outside-answer", name, found.cell, None,
                          f"the answer markers are broken ({error}); put back '# YOUR CODE STARTS HERE' and "
                          "'# YOUR CODE ENDS HERE' as they were.")]
    theirs = outside_regions(template_source)
    for index in range(max(len(ours), len(theirs))):
        mine = ours[index][1].rstrip() if index < len(ours) else None
        original = theirs[index][1].rstrip() if index < len(theirs) else None
        if mine == original:
            continue
        if mine is None:
            line, what = (ours[-1][0] if ours else None), f"the line {original.strip()!r} is missing"
        elif original is None:
            line, what = ours[index][0], f"the line {mine.strip()!r} was added"
        else:
            line, what = ours[index][0], f"expected {original.strip()!r}, found {mine.strip()!r}"
        return [Violation("edited-outside-answer", name, found.cell, line,
                          f"code outside the answer region was changed: {what}. Only write between "
                          "'# YOUR CODE STARTS HERE' and '# YOUR CODE ENDS HERE'.")]
    return []


def global_violations(name, function, expected, allowed, cell):
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
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for declared in node.names:
                loads.append(ast.Name(id=declared, lineno=node.lineno))
    free = [n for n in loads if n.id not in local and n.id not in allowed and not hasattr(builtins, n.id)]
    violations, seen = [], set()
    for node in free:
        if node.id in seen:
            continue
        seen.add(node.id)
        close = difflib.get_close_matches(node.id, parameters, n=1, cutoff=0.6)
        hint = f" Did you mean the parameter `{close[0]}`?" if close else " Use only the function's parameters and its own variables."
        violations.append(Violation("global-variable", name, cell, node.lineno,
                                    f"{name} reads `{node.id}`, a variable from the notebook, not one of its parameters."
                                    + hint))
    return violations


def order_violations(template, located, cells):
    """Report graded cells that were moved out of the template's order or below their self-check."""
    violations, last = [], 0
    for name in template.graded:
        if name not in located:
            continue
        number = located[name].cell
        check = [n for n, c in cells if grade_id(c) == f"{name}_test"]
        if number < last or (check and check[0] < number):
            violations.append(Violation("missing-cell", name, number, None,
                                        f"the graded cell of {name} was moved; put it back where it was, "
                                        "before its self-check and in the original order."))
        last = max(last, number)
    return violations


def other_cell_violations(template, located, cells):
    """Report extra code cells, and edited or deleted locked cells (these do not cost points)."""
    violations, seen = [], set()
    graded_cells = {found.cell for found in located.values()}
    by_source = {source: key for key, source in template.locked.items()}
    for number, cell in cells:
        source = cell_source(cell)
        if number in graded_cells or graded_name(source) or not source.strip():
            continue
        key = grade_id(cell)
        if key in template.locked and key not in seen:
            seen.add(key)
            if source.rstrip() != template.locked[key].rstrip():
                violations.append(Violation("edited-outside-answer", None, number, first_difference(
                    template.locked[key], source), "a read-only cell was changed; restore it as it was."))
        elif source in by_source and by_source[source] not in seen:
            seen.add(by_source[source])
        else:
            violations.append(Violation("extra-cell", None, number, None,
                                        "this code cell is not part of the assignment; delete it (keep scratch "
                                        "work in a separate notebook)."))
    for key in template.locked:
        if key not in seen:
            violations.append(Violation("missing-cell", None, None, None,
                                        f"the read-only cell '{key}' was deleted; restore it from a fresh copy."))
    return violations


def first_difference(original, changed):
    """Return the 1-based line number of the first line where ``changed`` differs from ``original``."""
    a, b = original.rstrip().split("\n"), changed.rstrip().split("\n")
    for number, (x, y) in enumerate(zip(a, b), start=1):
        if x.rstrip() != y.rstrip():
            return number
    return min(len(a), len(b)) + 1
