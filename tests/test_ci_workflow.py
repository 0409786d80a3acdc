"""The Makefile does what the README's two commands promise, and the hosted CI workflow we ship to instructors
stays in step with it (the workflow cannot run here)."""
import pathlib
import re
import subprocess
import sys
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"


def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def make_targets():
    return set(re.findall(r"^([\w./-]+):", (ROOT / "Makefile").read_text(), re.M))


def steps():
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def test_workflow_runs_make_test_then_the_cpu_matrix():
    commands = [step["run"] for step in steps() if "run" in step]
    assert commands.index("make test") < commands.index("make test-matrix")


def test_every_make_target_the_workflow_calls_exists_in_the_makefile():
    targets = make_targets()
    for step in steps():
        for call in re.findall(r"\bmake\b([^\n&|;]*)", step.get("run", "")):
            for word in call.split():
                if "=" not in word and not word.startswith("-"):
                    assert word in targets, f"the workflow calls 'make {word}', which the Makefile lacks"


def test_workflow_uses_the_venv_the_makefile_creates():
    makefile = (ROOT / "Makefile").read_text()
    venv = re.search(r"^VENV \?= (\S+)", makefile, re.M).group(1)
    assert re.search(r"^setup: \$\(TEST_STAMP\)$", makefile, re.M), "make setup must build the venv for tests"
    runs = [step.get("run", "") for step in steps()]
    assert runs.index("make PYTHON=python setup") < runs.index(f"{venv}/bin/playwright install --with-deps chromium")


def test_workflow_covers_python_3_11_and_3_12_on_linux_with_pip_caching():
    (job,) = workflow()["jobs"].values()
    assert job["runs-on"].startswith("ubuntu")
    assert {"3.11", "3.12"} <= set(job["strategy"]["matrix"]["python-version"])
    setup = next(step for step in steps() if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"


def test_browser_install_may_fail_without_failing_the_run():
    # Without a browser the browser test skips with a loud reason; everything else still runs.
    install = next(step for step in steps() if "playwright install" in step.get("run", ""))
    assert install.get("continue-on-error") is True


def make_commands(target, tmp_path):
    """Return the commands `make TARGET` would run from scratch (make -n: nothing runs)."""
    result = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def project_installs(commands):
    """Return the pip commands that install the project (not pip itself, not nbgrader's separate folder)."""
    return [c for c in commands if " -m pip install " in c and "--upgrade pip" not in c and "nbgrader" not in c]


def test_make_lab_installs_the_lessons_dependencies_only(tmp_path):
    commands = make_commands("lab", tmp_path)
    assert [c.split(" -m pip install --quiet ")[1] for c in project_installs(commands)] == ["-e ."]
    assert any("jupyter lab" in c for c in commands)


def test_make_test_installs_the_test_and_cluster_extras_then_lints_before_the_tests(tmp_path):
    commands = make_commands("test", tmp_path)
    assert project_installs(commands)[-1].endswith("-e '.[test,cluster]'")
    lint = commands.index(f"{tmp_path / 'venv'}/bin/python -m ruff check .")
    pytest_run = next(i for i, c in enumerate(commands) if " -m pytest " in c)
    assert lint < pytest_run and "-n 2 --dist loadfile" in commands[pytest_run] and "--durations=10" in commands[pytest_run]
    assert "--nbval" in commands[pytest_run] and commands[pytest_run].endswith("Initialization_solution.ipynb")


def test_ci_script_installs_the_browser_and_bubblewrap_then_stops_at_the_first_failure():
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    assert "install -y -qq chromium" in script and "install -y -qq bubblewrap" in script
    lines = [line.strip() for line in script.splitlines()]
    assert lines.index("make test") < lines.index("make test-matrix")


# A python3 that says it is 3.10: it runs `-c CODE ARGS...` as Python would, with sys.version_info set to 3.10.
OLD_PYTHON = f"""#!{sys.executable}
import sys
sys.version_info = (3, 10, 13, "final", 0)
if sys.argv[1] != "-c":
    sys.exit("the fake old python runs only -c, not " + " ".join(sys.argv[1:]))
code, sys.argv = sys.argv[2], ["-c", *sys.argv[3:]]
exec(code)
"""


def fake_old_python(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(OLD_PYTHON)
    path.chmod(0o755)
    return path


def make(*arguments):
    """Run make in the project with ``arguments``; return (exit status, stdout + stderr)."""
    result = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *arguments], capture_output=True,
                            text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


def test_make_lab_with_an_old_python_says_how_to_choose_another_before_making_a_venv(tmp_path):
    python = fake_old_python(tmp_path / "python3")
    status, output = make("lab", f"PYTHON={python}", f"VENV={tmp_path / 'venv'}")
    assert status != 0 and not (tmp_path / "venv").exists()
    assert (f"{python} is Python 3.10: the lab needs Python 3.11 or newer. Choose another: make lab PYTHON=python3.11"
            in output)


def test_make_lab_names_a_venv_an_old_python_made_instead_of_reusing_it(tmp_path):
    venv = tmp_path / "venv"
    fake_old_python(venv / "bin" / "python")
    status, output = make("lab", f"PYTHON={sys.executable}", f"VENV={venv}")
    assert status != 0 and not (venv / ".installed").exists()
    assert (f"{venv} was made by Python 3.10: the lab needs Python 3.11 or newer. Remove it (rm -rf {venv}, or make "
            "clean), then make lab PYTHON=python3.11") in output


def test_make_lab_names_a_venv_whose_python_is_gone(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(tmp_path / "uninstalled" / "python3.10")
    (venv / ".installed").touch()  # set up once, before its Python was removed
    status, output = make("lab", f"PYTHON={sys.executable}", f"VENV={venv}")
    assert status != 0 and "jupyter" not in output
    assert (f"{venv}'s Python ({tmp_path / 'uninstalled' / 'python3.10'}) no longer exists: remove {venv} "
            f"(rm -rf {venv}, or make clean), then make lab") in output


def test_make_names_a_python_it_cannot_find(tmp_path):
    status, output = make("lab", f"PYTHON={tmp_path / 'python9'}", f"VENV={tmp_path / 'venv'}")
    assert status != 0 and f"{tmp_path / 'python9'} not found: the lab needs Python 3.11 or newer." in output


def test_the_python_running_the_tests_passes_the_version_check(tmp_path):
    assert make("python-version", f"PYTHON={sys.executable}", f"VENV={tmp_path / 'venv'}") == (0, "")


def test_make_lab_puts_the_venv_first_on_path_and_gives_the_terminal_a_plain_shell(tmp_path):
    # As an activated venv would: `python` in the lab's Terminal is the venv's. A login shell would reset PATH.
    commands = make_commands("lab", tmp_path)
    start = next(i for i, c in enumerate(commands) if "jupyter lab" in c)
    lab = " ".join(commands[start:start + 3])
    venv = tmp_path / "venv"
    assert lab.startswith(f'PATH="{venv}/bin:$PATH" VIRTUAL_ENV="{venv}" {venv}/bin/jupyter lab ')
    assert "--ServerApp.terminado_settings=\"{'shell_command': ['${SHELL:-/bin/sh}']}\"" in lab


def test_every_command_the_readme_gives_names_a_make_target_or_a_program_in_the_venv():
    readme = (ROOT / "README.md").read_text()
    lines = [line for block in re.findall(r"```bash\n(.*?)```", readme, re.S) for line in block.splitlines() if line]
    lines += [code for code in re.findall(r"`([^`\n]+)`", readme) if code.startswith("make ")]
    scripts = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"])
    venv = re.search(r"^VENV \?= (\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    for line in lines:
        program, *words = line.split("#")[0].split()
        if program == "make":
            assert {w for w in words if "=" not in w} <= make_targets(), line
        else:
            assert program in {f"{venv}/bin/{name}" for name in scripts | {"python"}}, f"not on PATH: {line}"
