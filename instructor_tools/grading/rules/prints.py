"""extra-print and dynamic-import: every way of reaching print (or display), or a run-time import, that the code of
a graded cell shows."""
import ast
import re

from .model import Violation, shorten

OUTPUT = ("print", "display")  # IPython's display writes output as print does
IMPORTERS = ("__import__", "import_module", "importlib", "modules", "import")  # sys.modules, exec("import ...")
# A string that is one of these names is a run-time import (vars(sys).get("modules")); so is importing a module
# that imports for its caller from a name (pkgutil.resolve_name, pydoc.locate, runpy.run_module).
IMPORTER_TEXTS = ("__import__", "import_module", "importlib", "modules")
IMPORTING_MODULES = ("importlib", "imp", "pkgutil", "pydoc", "runpy", "zipimport")
PRINT_MESSAGE = ("{what} in a graded cell{how}: remove it (the grader reads return values only, and the course "
                 "counts extra output as a broken rule).")
IMPORT_MESSAGE = ("a run-time import ({shown}): a graded function imports only with a plain `import` statement, which "
                  "the grader can read (the course's packages are off limits); remove it.")


def print_violations(name, tree, cell):
    """Report each way of reaching print or display the code shows: a call or alias, builtins.print, getattr, vars,
    eval/exec."""
    # A computed name (eval("pri" + "nt")) is beyond reading; output cannot change a grade anyway.
    return [Violation("extra-print", name, cell, line, PRINT_MESSAGE.format(
        what=what, how="" if shown == what else f" ({shown})")) for line, what, shown in _reaching(tree, OUTPUT)]


def dynamic_import_violations(name, tree, cell):
    """Report each run-time import the code shows: __import__, sys.modules (also as a string), importing a module
    that imports by name (importlib, pkgutil, pydoc, runpy), an import in text run by exec.

    A module named by a computed chain (getattr with a computed name) is beyond reading: docs/grading.md says so.
    """
    return [Violation("dynamic-import", name, cell, line, IMPORT_MESSAGE.format(shown=shown))
            for line, _, shown in _reaching(tree, IMPORTERS, IMPORTER_TEXTS, IMPORTING_MODULES)]


def _reaching(tree, names, texts=(), modules=()):
    """Return [(line, name, how it is shown)] of the first way of reaching one of ``names`` on each line, in order.

    A string that is one of ``texts``, or an import of one of ``modules``, counts as well.
    """
    found = {}
    for node in ast.walk(tree):
        reached = _reaches(node, names) or _named(node, texts, modules)
        if reached and node.lineno not in found:
            found[node.lineno] = reached
    return [(line, *found[line]) for line in sorted(found)]


def _reaches(node, names):
    """Return (name, how the code shows it) if ``node`` reaches one of ``names``, else None."""
    called = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None
    if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
        return node.id, node.id
    if isinstance(node, ast.Attribute) and node.attr in names:
        return node.attr, shorten(node)
    if called == "getattr" and len(node.args) >= 2 and (what := _mentions(node.args[1], names, exact=True)):
        return what, f"getattr(..., {what!r})"
    if isinstance(node, ast.Subscript) and (what := _mentions(node.slice, names, exact=True)):
        return what, shorten(node)
    if called in ("eval", "exec", "compile") and (what := next(filter(None, (_mentions(a, names) for a in node.args)),
                                                               None)):
        return what, f"in text run by {called}"
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        module = getattr(node, "module", None) or ""
        for alias in node.names:
            if alias.name.split(".")[0] in names or module.split(".")[0] in names:
                return alias.name, shorten(node)
    return None


def _named(node, texts, modules):
    """Return (name, how the code shows it) if ``node`` is a string in ``texts`` or imports one of ``modules``."""
    if isinstance(node, ast.Constant) and _mentions(node, texts, exact=True):
        return node.value.strip(), f"the string {node.value.strip()!r}"
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        named = [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
    imported = next((module for module in named if module.split(".")[0] in modules), None)
    return (imported, shorten(node)) if imported else None


def _mentions(node, names, exact=False):
    """Return the first of ``names`` that a text constant in ``node`` is (with exact=False: contains as a word)."""
    for part in ast.walk(node):
        if isinstance(part, ast.Constant) and isinstance(part.value, (str, bytes)):
            text = part.value.decode("latin-1") if isinstance(part.value, bytes) else part.value
            for name in names:
                if (text.strip() == name) if exact else re.search(rf"\b{re.escape(name)}\b", text):
                    return name
    return None
