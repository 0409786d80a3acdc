"""Read the student template: its graded cells, their points, the read-only cells and the names they import."""
import ast
import importlib

from ...answer_regions import check_graded, graded_name
from ...notebook_files import grade_id
from ..code_compare import python_source
from .model import Template, code_sources

# The course's own packages: their helpers draw weights too (init_utils.schemes, the self-checks' draws), so a
# graded function may not use them; it writes its answer with numpy and Python.
HELPER_PACKAGES = ("init_utils", "public_tests")


def load_template(notebook):
    """Return the Template of a student notebook (see release.py). Raise ValueError if its answer markers are broken."""
    graded, locked, points, import_source = {}, {}, {}, None
    for number, cell, source in code_sources(notebook):
        points[grade_id(cell)] = cell.get("metadata", {}).get("nbgrader", {}).get("points", 1)
        name = graded_name(source)
        if name:
            try:
                check_graded(source, name, solved=False)
            except ValueError as error:  # the template's markers decide every verdict: never blame the learner's
                raise ValueError(f"the template's cell {number} ({name}) is broken: {error}. Release the template "
                                 "again from the source with 'make release'") from None
            graded[name] = source
        else:
            locked[grade_id(cell)] = source
            import_source = source if import_source is None else import_source
    plain = python_source(import_source or "")
    allowed = imported_names(plain) | {"get_ipython", "__builtins__"}  # in every IPython namespace
    return Template(plain, graded, {name: float(points.get(f"{name}_test", 1.0)) for name in graded}, locked, allowed,
                    imported_names(plain, only=HELPER_PACKAGES))


def imported_names(source, only=None):
    """Return the names an import cell binds, ``from module import *`` expanded (with ``only``: from those packages)."""
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
