"""extra-print: every way of reaching print that the code of a graded cell shows."""
import ast

from .model import Violation

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
        how = _how(node)
        if how is not None:
            found.append(Violation("extra-print", name, cell, node.lineno, PRINT_MESSAGE.format(how=how)))
    return sorted(found, key=lambda v: v.line)


def _how(node):
    """Return how ``node`` reaches print ("" for a plain use), or None if it does not."""
    if isinstance(node, ast.Name) and node.id == "print" and isinstance(node.ctx, ast.Load):
        return ""
    if isinstance(node, ast.Attribute) and node.attr == "print":
        return f" ({ast.unparse(node)})"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) >= 2 and _mentions_print(node.args[1], exact=True)):
        return " (getattr(..., 'print'))"
    if isinstance(node, ast.Subscript) and _mentions_print(node.slice, exact=True):
        return f" ({_short(node)})"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("eval", "exec", "compile") and any(_mentions_print(a) for a in node.args)):
        return f" (in text run by {node.func.id})"
    if isinstance(node, ast.ImportFrom) and any(a.name == "print" for a in node.names):
        return " (imported from builtins)"
    return None


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
