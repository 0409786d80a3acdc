"""Turn a notebook cell into the Python that IPython would run."""
import threading

from .code_compare import normalize_newlines

_LOCK = threading.Lock()
_MANAGER = []


def python_source(text):
    """Return the cell ``text`` as plain Python, transformed as IPython does (magics, shell lines, help?).

    Falls back to commenting out lines that start with % or ! when IPython is not installed.
    """
    text = normalize_newlines(text)
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
