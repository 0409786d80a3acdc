"""Rules inside one graded cell: the function the grader calls keeps its name and parameters, reads no
notebook variables and uses no course helpers; the cell prints nothing and keeps the code outside its answer."""
import ast
import builtins
import difflib

from .model import Violation, parse
from .outside import outside_violations
from .prints import print_violations
from .template import HELPER_PACKAGES

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (*FUNCTIONS, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
HELPER_MESSAGE = ("{what}: a graded function is written with numpy and Python only (the course's packages "
                  "already know the answers); remove it.")


def graded_cell_violations(name, template, found, notes):
    """Return the rule violations inside one graded cell."""
    violations = outside_violations(name, template.graded[name], found, notes)
    tree = parse(found.source)
    if tree is None:
        return violations  # reported by the run, with its line
    violations += print_violations(name, tree, found.cell)
    expected = next(n for n in ast.parse(template.graded[name]).body if isinstance(n, ast.FunctionDef) and n.name == name)
    runs = what_runs(name, tree)
    violations += [Violation("changed-signature", name, found.cell, node.lineno,
                             f"`global {name}` lets a call replace the graded function; define {name} once, "
                             "as the template does.") for node in global_declarations(name, tree)]
    if runs is None:
        other = next((n for n in tree.body if isinstance(n, FUNCTIONS)), None)
        violations.append(Violation("renamed-function", name, found.cell, other.lineno if other else None,
                                    f"defines {other.name} instead of {name}; the grader calls {name}." if other
                                    else f"the graded cell no longer defines {name}."))
        return violations
    if not isinstance(runs, FUNCTIONS):
        violations.append(Violation("changed-signature", name, found.cell, runs.lineno,
                                    f"line {runs.lineno} binds {name} to something else ({_kind(runs)}), and the "
                                    f"grader calls that; keep only the definition {name}({ast.unparse(expected.args)})."))
        return violations
    if signature(runs) != signature(expected):
        violations.append(Violation("changed-signature", name, found.cell, runs.lineno,
                                    f"{name}({ast.unparse(runs.args)}) must keep its parameters as given: "
                                    f"{name}({ast.unparse(expected.args)})."))
    violations += global_violations(name, runs, expected, template, found.cell)
    violations += helper_violations(name, tree, runs, template, found.cell)
    return violations


def what_runs(name, tree):
    """Return the statement whose binding of ``name`` the grader calls, or None if the cell never binds it.

    That is the last binding of ``name`` at the cell's top level, also inside if, for, while, try,
    with or match blocks: a def (the template's), or a second def, a class, an assignment, an import,
    a loop target, which the grader would call instead.
    """
    bindings = []
    _collect(tree, name, bindings)
    last = max(bindings, key=lambda pair: (pair[0].lineno, pair[0].col_offset), default=None)
    return last and last[1]


def global_declarations(name, tree):
    """Return the ``global name`` (or nonlocal) statements in the cell's functions: a call could rebind ``name``."""
    return [node for node in ast.walk(tree) if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names]


def _kind(statement):
    if isinstance(statement, ast.ClassDef):
        return "a class"
    text = ast.unparse(statement).split("\n")[0]
    return text if len(text) <= 60 else text[:57] + "..."


def _collect(node, name, bindings, statement=None):
    """Gather (binding, its statement) for ``name`` in the scope of ``node`` (not in functions, classes, lambdas)."""
    for child in ast.iter_child_nodes(node):
        within = child if isinstance(child, ast.stmt) else statement
        if isinstance(child, (*FUNCTIONS, ast.ClassDef)) and child.name == name:
            bindings.append((child, child))
        if isinstance(child, SCOPES):
            continue
        if _binds(child, name):
            bindings.append((child, within))
        _collect(child, name, bindings, within)


def _binds(node, name):
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, (ast.Store, ast.Del))
    if isinstance(node, ast.alias):
        return (node.asname or node.name).split(".")[0] == name
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return node.name == name
    return False


def signature(function):
    return ast.dump(function.args, annotate_fields=True, include_attributes=False)


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


def global_violations(name, function, expected, template, cell):
    """Report names the function reads from the notebook instead of its parameters or locals."""
    parameters = [a.arg for a in expected.args.args + expected.args.kwonlyargs]
    local, loads = _local_names(function)
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


def _local_names(function):
    """Return (names ``function`` binds, Name nodes it reads; a global or nonlocal declaration counts as a read)."""
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
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            local.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            local.add(node.rest)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            loads += [ast.Name(id=declared, lineno=node.lineno) for declared in node.names]
    return local, loads
