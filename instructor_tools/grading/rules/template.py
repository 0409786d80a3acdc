"""Read the student template: its graded cells, their points, the read-only cells and the names they import."""
import ast
import importlib

from ...answer_regions import graded_name
from ...notebook_files import cell_source, code_cells, grade_id
from ..code_compare import normalize_newlines
from ..python_cells import python_source
from .model import Template

# The course's own packages: their helpers draw weights too (init_utils.schemes, the self-checks' draws), so a
# graded function may not use them; it writes its answer with numpy and Python.
HELPER_PACKAGES = ("init_utils", "public_tests")


def load_template(notebook):
    """Return the Template of a student notebook (see release.py)."""
    graded, points, locked, import_source = {}, {}, {}, None
    for _, cell in code_cells(notebook):
        source = normalize_newlines(cell_source(cell))
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
