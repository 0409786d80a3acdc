"""What learner code can write, and read of the host, in each sandbox mode this machine can run."""
import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest

from fixtures.grading.builders import requires_isolation
from fixtures.grading.walk import writable_places
from instructor_tools.grading import isolation as isolation_module
from instructor_tools.grading.isolation import Isolation, isolation
from instructor_tools.grading.limits import SCRATCH_BYTES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT_MODES = ["bwrap", "bwrap-user"] if os.geteuid() == 0 else ["bwrap-user"]


def assert_only_the_scratch(places):
    assert places, "the walk found no writable place at all, so it proves nothing"
    unbounded = [(path, size) for path, size in places
                 if not (path == "/scratch" or path.startswith("/scratch/")) or size > SCRATCH_BYTES]
    assert unbounded == [], f"writable places other than the {SCRATCH_BYTES} byte scratch: {unbounded}"


@requires_isolation
@pytest.mark.parametrize("mode", ROOT_MODES)
def test_the_only_writable_place_is_the_sized_scratch(mode):
    assert_only_the_scratch(writable_places(Isolation(mode)))


@requires_isolation
def test_for_an_ordinary_user_the_only_writable_place_is_the_sized_scratch(tmp_path):
    if os.geteuid() != 0:
        places = writable_places(isolation("auto"))
    else:  # become an ordinary user (nobody) for the whole grader, as an instructor's laptop runs it
        if not shutil.which("setpriv"):
            pytest.skip("NOT TESTED: setpriv is missing, so this root test cannot run the grader as an ordinary user")
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable]
        if subprocess.run(nobody + ["-c", "pass"], capture_output=True, cwd="/").returncode != 0:
            pytest.skip(f"NOT TESTED: user 65534 cannot run {sys.executable} here (a folder on its path is private)")
        os.chmod(tmp_path, 0o777)
        env = dict(os.environ, HOME=str(tmp_path), PYTHONPATH=os.pathsep.join(
            [os.path.join(ROOT, "tests")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        done = subprocess.run(nobody + [os.path.join(ROOT, "tests", "fixtures", "grading", "walk.py")],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        found = json.loads(done.stdout)
        if found["mode"] != "bwrap-user":
            pytest.skip(f"NOT TESTED: user 65534 gets no sandbox here (mode {found['mode']}: {found['reason']}); "
                        "the bwrap-user mode is walked as root above")
        places = found["places"]
    assert_only_the_scratch(places)


@requires_isolation
def test_shared_memory_and_memfd_are_refused_so_no_memory_escapes_the_limits():
    from test_sandbox import define, observe, session

    live = session()
    try:
        assert define(live, "import ctypes, errno, os\ndef f(layers_dims):\n"
                            "    libc = ctypes.CDLL(None, use_errno=True)\n"
                            "    shm = (libc.shmget(0, 1 << 20, 0o1600), ctypes.get_errno())\n"
                            "    msg = (libc.msgget(0, 0o1600), ctypes.get_errno())\n"
                            "    try:\n        os.memfd_create('hoard')\n        memfd = 'made'\n"
                            "    except OSError as error:\n        memfd = error.errno\n"
                            "    raise ValueError(f'{shm} {msg} {memfd}')\n") == {"ok": True}
        error = observe(live)["calls"][0]["error"]
    finally:
        live.close()
    assert error["message"] == "(-1, 1) (-1, 1) 1", error  # EPERM from the seccomp filter, three times


@requires_isolation
def test_proc_lists_only_the_sandboxs_own_processes():
    from test_sandbox import define, observe, session

    live = session()
    try:
        assert define(live, "import os\ndef f(layers_dims):\n"
                            "    raise ValueError(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n") == {"ok": True}
        error = observe(live)["calls"][0]["error"]
    finally:
        live.close()
    pids = json.loads(error["message"])
    assert 1 in pids and len(pids) <= 6, pids  # bwrap's inits, setpriv/bwrap and the child: not the host's


def test_without_bubblewrap_on_the_path_grading_goes_on_unisolated(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("setpriv",):  # everything the probe looks for but bwrap
        if shutil.which(name):
            os.symlink(shutil.which(name), bin_dir / name)
    env = dict(os.environ, PATH=str(bin_dir))
    code = ("from instructor_tools.grading.isolation import isolation\nchosen = isolation('auto')\n"
            "print(chosen.mode, chosen.reason)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("none the bwrap command is not installed"), done.stdout
    assert isolation_module.Isolation("none", "x").describe().startswith("NOT ISOLATED")


@requires_isolation
def test_grading_with_a_relative_interpreter_path_from_a_folder_outside_the_sandbox_is_isolated(tmp_path):
    # LEARNER3 F9: "../.venv/bin/python -m public_tests.grade" from notebooks/ said NOT ISOLATED (bwrap: execvp
    # .../notebooks/../.venv/bin/python: No such file or directory): notebooks/ is not in the sandbox.
    from fixtures.grading.builders import answered, write

    here = tmp_path / "notebooks"  # like notebooks/, a folder the sandbox does not show
    here.mkdir()
    write(tmp_path, answered())
    python = os.path.relpath(sys.executable, here)
    assert python.startswith(".."), python
    done = subprocess.run([python, "-m", "public_tests.grade", "../submission.ipynb", "--json"], capture_output=True,
                          text=True, cwd=here, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    verdict = json.loads(done.stdout)
    assert verdict["score"] == 3 and verdict["isolation"].startswith("bubblewrap"), verdict["isolation"]


@pytest.mark.parametrize("stderr, hint", [(b"bwrap: execvp /x/../python: No such file or directory\n", False),
                                          (b"bwrap: setting up uid map: Permission denied\n", True),
                                          (b"bwrap: No permissions to create new namespace\n", True)])
def test_a_failed_trial_sandbox_is_named_as_what_failed_not_as_missing_bubblewrap(monkeypatch, stderr, hint):
    failed = subprocess.CompletedProcess(["bwrap"], 1, b"", stderr)
    monkeypatch.setattr(isolation_module.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(isolation_module.subprocess, "run", lambda *args, **kwargs: failed)
    chosen = isolation_module._probe()
    assert chosen.reason.startswith("bubblewrap is installed, but a trial sandbox failed (bwrap: ")
    assert stderr.decode().strip() in chosen.reason and ("user namespaces may be disabled" in chosen.reason) == hint
    assert "bubblewrap is unavailable" not in chosen.describe()


@requires_isolation
def test_a_bwrap_found_outside_the_sessions_path_is_the_one_every_session_runs(tmp_path):
    # A bwrap built from source lands in /usr/local/bin: the probe found it on the grader's PATH, but each session
    # looked for "bwrap" on its own PATH, /usr/bin:/bin, and ran another one, or failed to start.
    from fixtures.grading.builders import answered, write

    bin_dir, log = tmp_path / "bin", tmp_path / "runs.log"
    bin_dir.mkdir()
    (bin_dir / "bwrap").write_text(f'#!/bin/sh\necho "$@" >> {shlex.quote(str(log))}\n'
                                   f'exec {shlex.quote(shutil.which("bwrap"))} "$@"\n')
    (bin_dir / "bwrap").chmod(0o755)
    write(tmp_path, answered())
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run([sys.executable, "-m", "public_tests.grade", "submission.ipynb", "--json"], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    verdict = json.loads(done.stdout)
    assert verdict["score"] == 3 and verdict["isolation"] == isolation("auto").describe(), verdict["isolation"]
    sessions = [line for line in log.read_text().splitlines() if "--info-fd" in line]
    assert len(sessions) == 3, log.read_text()  # one per graded function, each through the bwrap the probe found
