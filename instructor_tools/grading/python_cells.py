"""Turn a notebook cell into the Python that IPython would run."""
import ast
import re
import threading

from .code_compare import normalize_newlines

_LOCK = threading.Lock()
_MANAGER = []
LINE_MAGIC = re.compile(r"^%([A-Za-z_]\w*)(?:[ \t]+(.*))?$")


def python_source(text):
    """Return the cell ``text`` as plain Python, transformed as IPython does (magics, shell lines, help?).

    Plain Python comes back unchanged (IPython leaves it alone too, continuation lines that start
    with % or != included). Simple line magics at the start of a line get IPython's exact
    rewrite without importing IPython (which takes half a second); anything else goes through
    IPython's own TransformerManager. Without IPython, lines that start with % or ! are commented out.
    """
    text = normalize_newlines(text)
    if _parses(text):
        return text
    lines = text.split("\n")
    quick = [_line_magic(line) for line in lines]
    if any(q is not None for q in quick):
        rewritten = "\n".join(q if q is not None else line for q, line in zip(quick, lines))
        if _parses(rewritten):
            return rewritten
    return _ipython(text)


def _parses(text):
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _line_magic(line):
    match = LINE_MAGIC.match(line)
    if not match:
        return None
    return f"get_ipython().run_line_magic({match.group(1)!r}, {(match.group(2) or '').strip()!r})"


def _ipython(text):
    with _LOCK:
        if not _MANAGER:
            try:
                from IPython.core.inputtransformer2 import TransformerManager
            except ImportError:
                _MANAGER.append(None)
            else:
                _MANAGER.append(TransformerManager())
        manager = _MANAGER[0]
        if manager is None:
            return "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line for line in text.split("\n"))
        try:
            return manager.transform_cell(text)
        except Exception:  # IPython could not read the cell: let Python report the syntax error itself
            return text
