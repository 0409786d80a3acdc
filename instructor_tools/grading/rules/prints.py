"""extra-print: every way of reaching print that the code of a graded cell shows."""
import ast
import re

from .model import Violation, shorten

PRINT_MESSAGE = ("print in a graded cell{how}: remove it (the grader reads return values only, and the course "
                 "counts extra output as a broken rule).")


def print_violations(name, tree, cell):
    """Report each way of reaching print the code shows: a call or alias, builtins.print, getattr, vars, eval/exec."""
    # A computed name (eval("pri" + "nt")) is beyond reading; output cannot change a grade anyway.
    found = [Violation("extra-print", name, cell, node.lineno, PRINT_MESSAGE.format(how=how))
             for node in ast.walk(tree) if (how := _how(node)) is not None]
    return sorted(found, key=lambda v: v.line)


def _how(node):
    """Return how ``node`` reaches print ("" for a plain use), or None if it does not."""
    called = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None
    if isinstance(node, ast.Name) and node.id == "print" and isinstance(node.ctx, ast.Load):
        return ""
    if isinstance(node, ast.Attribute) and node.attr == "print":
        return f" ({ast.unparse(node)})"
    if called == "getattr" and len(node.args) >= 2 and _mentions_print(node.args[1], exact=True):
        return " (getattr(..., 'print'))"
    if isinstance(node, ast.Subscript) and _mentions_print(node.slice, exact=True):
        return f" ({shorten(node)})"
    if called in ("eval", "exec", "compile") and any(_mentions_print(a) for a in node.args):
        return f" (in text run by {called})"
    if isinstance(node, ast.ImportFrom) and any(a.name == "print" for a in node.names):
        return " (imported from builtins)"
    return None


def _mentions_print(node, exact=False):
    """Return True if ``node`` holds a text constant that is (or with exact=False, contains the word) 'print'."""
    for part in ast.walk(node):
        if isinstance(part, ast.Constant) and isinstance(part.value, (str, bytes)):
            text = part.value.decode("latin-1") if isinstance(part.value, bytes) else part.value
            if (text.strip() == "print") if exact else re.search(r"\bprint\b", text):
                return True
    return False
