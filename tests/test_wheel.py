"""The kit installs as a package: build the sdist, the wheel from it, install that (not editable) into a
fresh venv, and use it from an unrelated folder, as an instructor who installs from a wheel would."""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

import pytest

from notebook_tools import ROOT, STUDENT, fill_answers, load

PACKAGES = ["init_utils", "public_tests", "instructor_tools"]
TEMPLATE = "instructor_tools/student_template.ipynb"

# Runs in the fresh venv, from an unrelated folder that holds only a copy of tests/reference.py: where each
# package comes from, a short training run, a self-check on a correct answer.
USE = """
import json, sys
import init_utils, instructor_tools, public_tests
from init_utils import load_dataset, train
from reference import initialize_parameters_he

X, Y, _, _ = load_dataset(plot=False)
history = train(X, Y, initialize_parameters_he([2, 10, 5, 1]), num_iterations=1000, print_cost=False)
public_tests.initialize_parameters_he_test(initialize_parameters_he)
print(json.dumps({"files": [m.__file__ for m in (init_utils, instructor_tools, public_tests)], "path": sys.path,
                  "costs": [float(c) for c in history.costs]}))
"""


def subpackages(folder):
    """Return every package under folder, as a path relative to it (a folder that holds an __init__.py)."""
    return sorted(str(p.parent.relative_to(folder)) for name in PACKAGES for p in (folder / name).rglob("__init__.py"))


def checkout_state():
    """Return what a build in the checkout would leave behind: build/, dist/, egg-info, with their times."""
    return sorted((p.name, p.stat().st_mtime_ns) for p in ROOT.iterdir() if p.name in {"build", "dist"}
                  or p.name.endswith(".egg-info"))


def run(command, cwd, env=None, timeout=180):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the sdist from a copy of the checkout and the wheel from that sdist (as pip does); return both."""
    before = checkout_state()
    work = tmp_path_factory.mktemp("build")
    source = work / "source"  # a copy: setuptools writes *.egg-info and build/ beside the sources
    source.mkdir()
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, source / name)
    for name in PACKAGES:
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = work / "dist"
    run([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})"], source)
    (sdist,) = dist.glob("*.tar.gz")
    # No build isolation: setuptools comes from the test extra, so the build needs no network.
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir",
         str(dist), str(sdist)], work)
    (wheel,) = dist.glob("*.whl")
    assert checkout_state() == before, "building wrote into the checkout"
    return sdist, wheel


@pytest.fixture(scope="module")
def venv(built, tmp_path_factory):
    """A fresh venv holding the wheel; return its bin folder.

    The heavy dependencies (numpy, numba, Jupyter...) are not installed again: one .pth line, written after the
    wheel is installed, puts the dev venv's site-packages at the END of sys.path. A plain path in a .pth does not
    run that folder's own .pth files, so the dev venv's editable hook (which maps the packages to the checkout)
    stays off, and the wheel's copies, earlier on sys.path, are the ones imported (the test checks where from).
    """
    _, wheel = built
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
         str(wheel)], root)
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root).strip()
    (pathlib.Path(site) / "dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return root / "bin"


def test_wheel_and_sdist_hold_every_subpackage_and_the_grader_template(built):
    sdist, wheel = built
    wanted = subpackages(ROOT)
    assert {"init_utils", "public_tests", "instructor_tools", "instructor_tools/grading"} <= set(wanted)
    in_wheel = zipfile.ZipFile(wheel).namelist()
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        in_sdist = [name[len(top) + 1:] for name in archive.getnames()]
    for names in (in_wheel, in_sdist):
        assert [p for p in wanted if f"{p}/__init__.py" not in names] == []
        assert TEMPLATE in names
    assert zipfile.ZipFile(wheel).read(TEMPLATE) == (ROOT / TEMPLATE).read_bytes()


def test_installed_wheel_trains_and_self_checks_from_an_unrelated_folder(venv, tmp_path):
    shutil.copy(ROOT / "tests" / "reference.py", tmp_path)
    # On plain numpy: a fresh install would first compile the engine for half a minute (test_engine.py tests it).
    out = run([str(venv / "python"), "-c", USE], tmp_path, env=dict(os.environ, INIT_UTILS_ENGINE="numpy"))
    *printed, last = out.splitlines()
    assert any("passed" in line for line in printed), printed  # the self-check raises if it finds a mistake
    report = json.loads(last)
    assert all(file.startswith(str(venv.parent)) for file in report["files"]), report["files"]
    assert str(ROOT) not in report["path"]
    assert report["costs"][0] == pytest.approx(0.8830537463419761, rel=1e-12)  # He's first cost, as published


def grade(venv, folder, notebook):
    (folder / "submission.ipynb").write_text(json.dumps(notebook))
    # Unisolated: bubblewrap's sandbox shows the child only the fresh venv, not the dev venv its numpy comes
    # from here (test_sandbox.py covers isolation). The template is the one installed with the wheel.
    return json.loads(run([str(venv / "initlab-grade"), "submission.ipynb", "--json", "--isolation", "off"], folder))


def test_installed_console_script_grades_a_solved_submission_in_full(venv, tmp_path):
    verdict = grade(venv, tmp_path, fill_answers(load(STUDENT)))
    assert verdict["error"] is None and verdict["violations"] == []
    assert verdict["score"] == verdict["max_score"] == 3
    assert [e["passed"] for e in verdict["exercises"]] == [True, True, True]


def test_installed_grader_compares_with_its_own_template_not_with_the_submission(venv, tmp_path):
    edited = fill_answers(load(STUDENT))
    first_code = next(cell for cell in edited["cells"] if cell["cell_type"] == "code")
    first_code["source"] = "".join(first_code["source"]) + "\nextra = 1\n"
    verdict = grade(venv, tmp_path, edited)
    assert [v["rule"] for v in verdict["violations"]] == ["edited-outside-answer"], verdict


def test_installed_release_command_outside_a_checkout_asks_for_the_source(venv, tmp_path):
    result = subprocess.run([str(venv / "initlab-release"), "--check"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "pass --source" in result.stderr and "Traceback" not in result.stderr
