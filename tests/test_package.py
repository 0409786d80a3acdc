"""Project-wide contracts: layering, exports, and the environment files."""
import ast
import pathlib
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Every module of init_utils, by what it may import. A new module must be added to one of these.
# Pure math: numpy, a few standard-library helpers, and other pure-math modules; nothing else.
MATH_MODULES = {"activations", "loss", "propagation", "prediction", "history", "report", "schemes", "inspection",
                "boundary", "variance", "inputs"}
# Numeric but not pure math; each says so in its docstring ("Not pure math").
NUMERIC_MODULES = {"engine": "numba (optional) and a compiler process", "training": "the engine",
                   "runs": "training", "sweep": "training", "deep": "training"}
# Figures and widgets: read what the modules above compute, never the reverse. data is here too:
# the course's load_dataset() draws the training set (with scikit-learn) and plots it.
VIEW_MODULES = {"data", "plotting", "explorer", "explorer_controls", "figure_parts", "replay_view", "compare_view",
                "inside_view", "replay_export", "depth_view"}
STANDARD_HELPERS = {"math", "numbers", "dataclasses", "functools", "itertools", "collections", "typing", "html"}
VIEW_LIBRARIES = {"matplotlib", "ipywidgets", "ipympl", "IPython", "PIL"}


def imports_of(name, package=ROOT / "init_utils"):
    """Return (absolute top-level packages, sibling modules) that <package>/<name>.py imports."""
    tree = ast.parse((package / f"{name}.py").read_text())
    absolute, siblings = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            absolute |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            absolute.add(node.module.split(".")[0])
            if node.module.split(".")[0] == "init_utils":
                siblings |= {node.module.split(".")[1]} if "." in node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):  # relative: from .x import y, or from . import x
            siblings |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
    return absolute - {"init_utils"}, siblings


def test_every_module_of_the_package_is_classified_once():
    modules = {p.stem for p in (ROOT / "init_utils").glob("*.py")} - {"__init__"}
    lists = [MATH_MODULES, set(NUMERIC_MODULES), VIEW_MODULES]
    assert modules == set().union(*lists), (
        f"unclassified: {modules - set().union(*lists)}; listed but missing: {set().union(*lists) - modules}")
    assert sum(len(x) for x in lists) == len(modules), "a module is listed twice"


@pytest.mark.parametrize("name", sorted(MATH_MODULES))
def test_math_module_imports_only_numpy_and_other_math_modules(name):
    absolute, siblings = imports_of(name)
    assert absolute - STANDARD_HELPERS <= {"numpy"}, f"init_utils/{name}.py imports {absolute - STANDARD_HELPERS}"
    assert siblings <= MATH_MODULES, f"init_utils/{name}.py imports non-math modules {siblings - MATH_MODULES}"
    doc = ast.get_docstring(ast.parse((ROOT / "init_utils" / f"{name}.py").read_text())) or ""
    assert "Imports only numpy" in doc, f"say it in init_utils/{name}.py's docstring"


@pytest.mark.parametrize("name", sorted(NUMERIC_MODULES))
def test_numeric_modules_say_they_are_not_pure_math_and_never_import_views(name):
    absolute, siblings = imports_of(name)
    doc = ast.get_docstring(ast.parse((ROOT / "init_utils" / f"{name}.py").read_text())) or ""
    assert "Not pure math" in doc, f"init_utils/{name}.py imports {NUMERIC_MODULES[name]}: say 'Not pure math' in its docstring"
    assert not absolute & VIEW_LIBRARIES and not siblings & VIEW_MODULES


def test_the_classifier_sees_relative_and_absolute_imports(tmp_path):
    (tmp_path / "probe.py").write_text("import numpy\nfrom . import plotting\nfrom .engine import run\n"
                                       "from init_utils.data import x\nimport matplotlib.pyplot as plt\n")
    assert imports_of("probe", tmp_path) == ({"numpy", "matplotlib"}, {"plotting", "engine", "data"})


def test_importing_the_package_loads_neither_matplotlib_nor_numba():
    # Figures load when a plot is asked for; the compiler when training first needs it.
    code = "import sys, init_utils; print(sorted({'matplotlib', 'numba'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_course_api_is_exported():
    import init_utils

    for name in ["sigmoid", "relu", "compute_loss", "forward_propagation", "backward_propagation",
                 "update_parameters", "predict", "predict_dec", "load_dataset", "plot_decision_boundary"]:
        assert callable(getattr(init_utils, name)), name


def test_no_exercise_solution_is_exported():
    import init_utils
    import public_tests

    for module in (init_utils, public_tests):
        for name in ["initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"]:
            assert not hasattr(module, name)


def requirement_name(spec):
    for sep in "<>=!~ ;[":
        spec = spec.split(sep)[0]
    return spec.strip().lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {requirement_name(r): r for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {requirement_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    assert set(wanted) <= set(conda), f"missing from environment.yml: {set(wanted) - set(conda)}"
    assert set(conda) - set(wanted) <= {"python", "pip"}, f"only in environment.yml: {set(conda) - set(wanted)}"
    for name, requirement in wanted.items():
        pin = requirement[len(name):].strip()
        assert conda[name].replace(" ", "").endswith(pin.replace(" ", "")), f"{name}: {requirement} vs {conda[name]}"
    assert {"pip": ["-e ."]} in env["dependencies"]
