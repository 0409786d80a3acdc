"""Project-wide contracts: layering, exports, and the environment files."""
import ast
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
MATH_MODULES = ["activations", "loss", "propagation", "prediction", "history", "training", "report"]


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_math_modules_import_only_numpy_and_each_other():
    allowed = {"numpy", "numbers", "dataclasses", "math"}
    for name in MATH_MODULES:
        outside = set(imported_modules(ROOT / "init_utils" / f"{name}.py")) - allowed
        assert not outside, f"init_utils/{name}.py imports {outside}"


def test_importing_the_package_does_not_load_matplotlib():
    code = "import sys, init_utils; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


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
