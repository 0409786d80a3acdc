"""Rules inside one graded cell: the function the grader calls keeps its name and parameters, reads no
notebook variables and uses no course helpers; the cell prints nothing and keeps the code outside its answer."""
import ast
import builtins
import difflib
import sys

from .model import Violation, code_of, parse, shorten
from .outside import outside_violations
from .prints import OUTPUT, dynamic_import_violations, print_violations
from .template import HELPER_PACKAGES

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (*FUNCTIONS, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
HELPER_MESSAGE = ("{what}: a graded function is written with numpy and Python only (the course's packages "
                  "already know the answers); remove it.")
MODULES = sys.stdlib_module_names | {"numpy", "scipy", "matplotlib"}


def graded_cell_violations(name, template, found, notes):
    """Return the rule violations inside one graded cell."""
    violations = outside_violations(name, template.graded[name], found, notes)
    tree = parse(found.source)
    if tree is None:
        return violations  # reported by the run, with its line
    imports = dynamic_import_violations(name, tree, found.cell)
    violations += print_violations(name, tree, found.cell) + imports
    violations += [Violation("changed-signature", name, found.cell, node.lineno,
                             f"`global {name}` lets a call replace the graded function; define {name} once, "
                             "as the template does.")
                   for node in ast.walk(tree) if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names]
    expected = next(n for n in ast.parse(template.graded[name]).body if isinstance(n, ast.FunctionDef) and n.name == name)
    runs = what_runs(name, tree)
    if runs is None:
        other = next((n for n in tree.body if isinstance(n, FUNCTIONS)), None)
        violations.append(Violation("renamed-function", name, found.cell, other.lineno if other else None,
                                    f"defines {other.name} instead of {name}; the grader calls {name}." if other
                                    else f"the graded cell no longer defines {name}."))
        return violations
    if not isinstance(runs, FUNCTIONS):
        kind = "a class" if isinstance(runs, ast.ClassDef) else shorten(runs)
        violations.append(Violation("changed-signature", name, found.cell, runs.lineno,
                                    f"line {runs.lineno} binds {name} to something else ({kind}), and the "
                                    f"grader calls that; keep only the definition {name}({code_of(expected.args)})."))
        return violations
    if _signature(runs) != _signature(expected):
        violations.append(Violation("changed-signature", name, found.cell, runs.lineno,
                                    f"{name}({code_of(runs.args)}) must keep its parameters as given: "
                                    f"{name}({code_of(expected.args)})."))
    return violations + global_violations(name, runs, expected, template, found.cell) + helper_violations(
        name, tree, runs, template, found.cell, {v.line for v in imports})


def what_runs(name, tree):
    """Return the statement of the last top-level binding of ``name`` (blocks included): what the grader calls."""
    last = max(_bindings(tree, name), key=lambda pair: (pair[0].lineno, pair[0].col_offset), default=None)
    return last and last[1]


def _bindings(tree, name):
    """Yield (binding, its statement) of ``name`` in the scope of ``tree`` (not in functions, classes, lambdas).

    A loop, not recursion: learner code may nest deeper than Python's recursion limit.
    """
    stack = [(tree, None)]
    while stack:
        node, statement = stack.pop()
        for child in ast.iter_child_nodes(node):
            within = child if isinstance(child, ast.stmt) else statement
            if isinstance(child, (*FUNCTIONS, ast.ClassDef)) and child.name == name:
                yield child, child
            if isinstance(child, SCOPES):
                continue
            if _bound_name(child) == name:
                yield child, within
            stack.append((child, within))


def _bound_name(node):
    """Return the name ``node`` binds in its scope (a target, an import, an except or match capture), or None."""
    if isinstance(node, ast.Name):
        return node.id if isinstance(node.ctx, (ast.Store, ast.Del)) else None
    if isinstance(node, ast.alias):
        return (node.asname or node.name).split(".")[0]
    return node.name if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) else None


def _local_name(node):
    """Return the name ``node`` binds inside a function (parameters and inner definitions too), or None."""
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
        return node.name
    return node.rest if isinstance(node, ast.MatchMapping) else _bound_name(node)


def _signature(function):
    """Return a text equal for equal parameter lists (for defaults nested too deeply to dump: one never equal)."""
    try:
        return ast.dump(function.args, annotate_fields=True, include_attributes=False)
    except RecursionError:
        return function  # the template's defaults are never that deep


def helper_violations(name, tree, function, template, cell, imports=()):
    """Report uses of the course's own packages in a graded cell: importing them, naming them in a string, or calling
    their helpers. A string on one of the lines ``imports`` (already named as run-time imports) is not named twice."""
    found, used = [], {}
    for node in ast.walk(tree):
        modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                   else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
        found += [Violation("course-helper", name, cell, node.lineno, HELPER_MESSAGE.format(what=f"imports {module}"))
                  for module in modules if module.split(".")[0] in HELPER_PACKAGES]
        named = _course_package(node)
        if named and node.lineno not in imports:
            found.append(Violation("course-helper", name, cell, node.lineno, HELPER_MESSAGE.format(
                what=f"the string {shorten(node)} names the course's package {named}")))
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in template.helper_names:
            used.setdefault(node.id, node.lineno)
    found += [Violation("course-helper", name, cell, line, HELPER_MESSAGE.format(what=f"uses {helper}, a helper of the course"))
              for helper, line in used.items()]
    return sorted(found, key=lambda v: v.line)


def _course_package(node):
    """Return the course package a string constant names (pkgutil.resolve_name("init_utils.schemes:..."), or None.

    Any text holding the name counts: a pickle writes it right after an opcode letter (b"cinit_utils.schemes...").
    """
    value = node.value if isinstance(node, ast.Constant) else None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return next((package for package in HELPER_PACKAGES if isinstance(text, str) and package in text), None)


def global_violations(name, function, expected, template, cell):
    """Report names the function reads from the notebook instead of its parameters or locals."""
    local, loads = set(), []
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.append(node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):  # a declaration counts as a read
            loads += [ast.Name(id=declared, lineno=node.lineno) for declared in node.names]
        elif node is not function:
            local.add(_local_name(node))
    free = {}
    for node in loads:
        if not (node.id in local or node.id in (name, *OUTPUT) or node.id in template.allowed_globals
                or hasattr(builtins, node.id)):
            free.setdefault(node.id, node.lineno)
    parameters = [a.arg for a in expected.args.args + expected.args.kwonlyargs]
    return [Violation("global-variable", name, cell, line, _global_message(name, read, parameters, template))
            for read, line in free.items()]


def _global_message(name, read, parameters, template):
    if read in template.graded:
        return (f"{name} calls {read}, another graded function. Each graded function is graded on its own: "
                "write the lines you need inside this one.")
    if read in MODULES:
        other = ", or use np.sqrt" if read == "math" else ""
        return (f"{name} reads `{read}`, a module the template does not import: the grader runs the template's "
                f"import cell, not yours. Write `import {read}` inside the function{other}.")
    close = difflib.get_close_matches(read, parameters, n=1, cutoff=0.6)
    hint = f" Did you mean the parameter `{close[0]}`?" if close else " Use only the function's parameters and its own variables."
    return f"{name} reads `{read}`, a variable from the notebook, not one of its parameters." + hint
