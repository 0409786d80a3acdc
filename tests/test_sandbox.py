"""The sandbox: which isolation a machine gets, what the child can see, and that nothing it starts survives."""
import os
import time

import pytest

from fixtures.grading.builders import ISOLATED, TEMPLATE, alive, answered, requires_isolation, write
from instructor_tools.grading import bwrap, grade_submission, sandbox
from instructor_tools.grading import isolation as isolation_module
from instructor_tools.grading.protocol import CHILD_LIMITS, decode_observation
from instructor_tools.grading.sandbox import Session, SessionBroken, describe_exit, isolation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def session(timeout=30, chosen=None):
    chosen = chosen or isolation("auto")
    live = Session(chosen, timeout)
    assert start(live) == {"ok": True}
    return live


def start(live, import_source="import numpy as np"):
    return live.request({"op": "start", "import_source": import_source, "paths": live.paths, "blocked": ["numba"],
                         "stub_names": [], "observation": live.observation, "limits": CHILD_LIMITS}, running="start")


def define(live, source, name="f", cell=7):
    return live.request({"op": "define", "name": name, "cell": cell, "source": source}, running=name)


def observe(live, layers_dims=(2, 1), name="f"):
    return live.request({"op": "observe", "name": name, "layers_dims": list(layers_dims), "seeds": [101, 7919]},
                        running=name)


@requires_isolation
def test_root_on_linux_with_bubblewrap_gets_the_full_sandbox():
    chosen = isolation("auto")
    assert (chosen.mode, chosen.isolated) == ("bwrap" if os.geteuid() == 0 else "bwrap-user", True)
    assert "own PID namespace" in chosen.describe() and "no network" in chosen.describe()


def test_without_bubblewrap_grading_goes_on_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(isolation_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(isolation_module, "_CHOSEN", {})
    chosen = isolation("auto")
    assert not chosen.isolated and "bwrap command is not installed" in chosen.reason
    with pytest.raises(RuntimeError, match="isolation is required but unavailable"):
        isolation("required")
    verdict = grade_submission(write(tmp_path, answered()), TEMPLATE, timeout=30)
    assert verdict["score"] == 3 and verdict["isolation"].startswith("NOT ISOLATED: learner code ran as your own user")
    required = grade_submission(write(tmp_path, answered()), TEMPLATE, timeout=30, isolate="required")
    assert required["score"] == 0 and "isolation is required but unavailable" in required["error"]


@requires_isolation
def test_the_sandbox_mounts_nothing_of_the_project_but_the_package_and_the_venv():
    command = bwrap.command(isolation("auto").mode)
    command = command[:command.index("--")]  # the sandbox's own view (a nested bwrap inside it rebinds only that)
    sources = [command[i + 1] for i, word in enumerate(command) if word == "--ro-bind"]
    inside_project = sorted(s for s in sources if s == ROOT or s.startswith(ROOT + os.sep))
    allowed = {os.path.join(ROOT, "init_utils"), os.path.join(ROOT, "public_tests", "observation.py"),
               os.path.join(ROOT, "instructor_tools", "grading", "child.py")}
    assert all(s in allowed or s.startswith(os.path.join(ROOT, ".venv")) for s in inside_project), inside_project
    assert "--bind" not in command and "--unshare-net" in command and "--unshare-pid" in command


@requires_isolation
def test_child_sees_a_read_only_world_and_its_own_scratch():
    live = session()
    try:
        assert define(live, "import os\n"
                            f"SEEN = sorted(os.listdir({ROOT!r}))\n"
                            "open('/scratch/mine.txt', 'w').write('ok')\n"
                            "def f(layers_dims):\n"
                            "    if os.getuid() != 65534 or not set(SEEN) <= {'init_utils', '.venv'}:\n"
                            "        raise ValueError(f'{os.getuid()} {SEEN}')\n"
                            "    open('/usr/planted', 'w')\n") == {"ok": True}
        reply = observe(live)
        call = reply["calls"][0]
        assert call["error"]["type_name"] in ("OSError", "PermissionError"), call["error"]
        assert "Read-only file system" in call["error"]["message"] or "Permission denied" in call["error"]["message"]
    finally:
        live.close()
    assert not os.path.exists("/usr/planted")


def test_observation_round_trips_through_the_protocol():
    live = session()
    try:
        define(live, "import numpy as np\ndef f(layers_dims):\n    np.random.seed(3)\n"
                     "    return {'W1': np.random.randn(layers_dims[1], layers_dims[0]), 'b1': np.zeros((1, 1))}")
        observation = decode_observation(observe(live), [2, 1], [101, 7919])
    finally:
        live.close()
    import numpy as np

    np.random.seed(3)
    expected = np.random.randn(1, 2)
    assert [c.pre_seed for c in observation.calls] == [101, 7919]
    for call in observation.calls:
        assert call.error is None and list(call.argument_after) == [2, 1]
        assert np.array_equal(call.result["W1"], expected) and call.result["W1"].dtype == np.float64


def test_a_silent_child_times_out_and_is_killed():
    live = session(timeout=120)
    define(live, "def f(layers_dims):\n    while True:\n        pass")
    live.deadline = time.monotonic() + 2  # the loop never ends, so no deadline can pass by luck
    with pytest.raises(SessionBroken, match=r"timed out after 120 s in f"):
        observe(live)
    pid = live.process.pid
    live.close()
    assert not alive(pid)


def test_a_reply_without_end_is_cut_at_the_size_limit():
    live = session()
    try:
        define(live, "import os\ndef f(layers_dims):\n    for fd in (3, 4, 5):\n        try:\n"
                     "            os.write(fd, b'x' * (1024 * 1024))\n        except OSError:\n            pass\n"
                     "    return None")
        with pytest.raises(SessionBroken, match="more than 512 KB without a line break"):
            observe(live)
    finally:
        live.close()


def test_an_error_reply_ends_the_session():
    live = session()
    try:
        reply = define(live, "raise SystemExit")
        assert set(reply) == {"error"} and "called sys.exit()" in reply["error"]
        assert live.process.wait(timeout=60) is not None  # the child stopped by itself
        with pytest.raises(SessionBroken, match="the session had ended before f"):
            observe(live)
    finally:
        live.close()


PARENT_MEMORY = """
import json, resource, sys, time
sys.path.insert(0, {tests!r})
from test_sandbox import define, session
from instructor_tools.grading.sandbox import SessionBroken
live = session()
line = b'{{"calls": [' + b'{{}}, ' * ((8 * 2 ** 20 - 64) // 4) + b'{{}}]}}\\n'  # just under the old 8 MiB cap
define(live, "import os\\nREPLY = " + repr(line) + "\\ndef f(layers_dims):\\n"
       "    for fd in range(3, 10):\\n        try:\\n            os.write(fd, REPLY)\\n        except OSError:\\n"
       "            pass")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    live.request({{"op": "observe", "name": "f", "layers_dims": [2, 1], "seeds": [1, 2]}}, running="f")
    outcome = "answered"
except SessionBroken as error:
    outcome = str(error)
live.close()
print(json.dumps([outcome, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024]))
"""


def test_an_8_mib_reply_leaves_the_parents_memory_bounded():
    # Finding 3: such a reply raised the parent's peak from 39 MB to 264 MB.
    import json
    import subprocess
    import sys

    code = PARENT_MEMORY.format(tests=os.path.join(ROOT, "tests"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    outcome, grown_mb = json.loads(done.stdout.strip().splitlines()[-1])
    assert "512 KB" in outcome and grown_mb < 20, (outcome, grown_mb)


@requires_isolation
def test_close_returns_only_when_every_process_of_the_submission_is_gone():
    live = session()
    define(live, "import os, time\ndef f(layers_dims):\n    for _ in range(5):\n        if os.fork() == 0:\n"
                 "            os.setsid()\n            time.sleep(300)\n    return None")
    observe(live)
    init = None
    with open(f"/proc/{live.process.pid}/task/{live.process.pid}/children") as handle:
        init = int(handle.read().split()[0])
    members = [int(p) for p in open(f"/proc/{init}/task/{init}/children").read().split()]
    assert members
    live.close()
    assert [pid for pid in [init, *members] if alive(pid)] == []


@pytest.mark.parametrize("code, words", [(-11, "crashed (segmentation fault)"), (139, "crashed (segmentation fault)"),
                                         (-24, "ran out of CPU time"), (3, "exit code 3"), (None, "stopped answering")])
def test_exit_codes_are_described_in_words(code, words):
    assert words in describe_exit(code)


def test_isolated_flag_matches_the_probe():
    assert isolation("auto").isolated == ISOLATED and not isolation("off").isolated


@requires_isolation
def test_the_user_namespace_mode_a_non_root_grader_gets_also_works(tmp_path, monkeypatch):
    from fixtures.grading.builders import NAMES, with_code

    monkeypatch.setattr(isolation_module, "_CHOSEN", {"auto": sandbox.Isolation("bwrap-user")})
    planted = tmp_path / "planted"  # a host path; where the checkout lives decides what the sandbox shows of /tmp
    code = (f"import os\nassert os.getuid() == 65534, os.getuid()\ntry:\n    open({str(planted)!r}, 'w').write('x')\n"
            "except OSError:\n    pass")
    verdict = grade_submission(write(tmp_path, with_code(NAMES[2], code)), TEMPLATE, timeout=30)
    assert verdict["isolation"].startswith("bubblewrap (user namespace, not root)")
    assert verdict["exercises"][2]["feedback"] == "All checks passed."  # so the learner's code ran as nobody
    assert not planted.exists()  # and nothing it wrote reached the host


@requires_isolation
def test_learner_code_cannot_create_a_user_namespace():
    live = session()
    try:
        assert define(live, "import ctypes, os\ndef f(layers_dims):\n"
                            "    libc = ctypes.CDLL(None, use_errno=True)\n"
                            "    result = libc.unshare(0x10000000)  # CLONE_NEWUSER\n"
                            "    raise ValueError(f'{result} {os.strerror(ctypes.get_errno())} {os.getuid()}')\n") == {"ok": True}
        error = observe(live)["calls"][0]["error"]
    finally:
        live.close()
    assert error["type_name"] == "ValueError" and error["message"].startswith("-1 ") and error["message"].endswith(" 65534")


@pytest.mark.skipif(sandbox.cgroups.probe() is None, reason="no cgroup with a memory controller can be made here")
def test_the_memory_cap_counts_every_process_of_the_submission_together():
    live = Session(isolation("auto"), 120, total_memory=600 * 2 ** 20)
    try:
        assert start(live) == {"ok": True}
        # Each child takes 250 MB, says so (or dies), then holds it until the parent lets go: all four at once.
        assert define(live, "import os\ndef f(layers_dims):\n    ready_r, ready_w = os.pipe()\n"
                            "    hold_r, hold_w = os.pipe()\n    kids = []\n    for _ in range(4):\n"
                            "        pid = os.fork()\n        if pid == 0:\n            os.close(hold_w)\n"
                            "            hold = b'x' * (250 * 2 ** 20)\n            os.write(ready_w, b'1')\n"
                            "            os.close(ready_w)\n            os.read(hold_r, 1)\n            os._exit(0)\n"
                            "        kids.append(pid)\n    os.close(ready_w)\n"
                            "    while os.read(ready_r, 16):\n        pass\n    os.close(hold_w)\n"
                            "    killed = [os.WTERMSIG(os.waitpid(k, 0)[1]) for k in kids]\n"
                            "    raise ValueError(f'killed {killed}')\n") == {"ok": True}
        error = observe(live)["calls"][0]["error"]
        assert live.cgroup.oom_kills() >= 1
    finally:
        live.close()
    killed = eval(error["message"].split(" ", 1)[1])  # each 250 MB child fits its own limit; 4 of them do not fit 600 MB
    assert killed.count(9) >= 1 and len(killed) == 4, error


def test_without_a_cgroup_the_per_process_caps_are_tightened(monkeypatch):
    from instructor_tools.grading.limits import (FALLBACK_MEMORY_BUDGET, FALLBACK_MEMORY_LIMIT, FALLBACK_PROCESS_LIMIT,
                                                 SCRATCH_BYTES)

    monkeypatch.setattr(sandbox.cgroups, "create", lambda *args: None)
    live = session()
    try:
        assert live.cgroup is None
        define(live, "import resource\ndef f(layers_dims):\n"
                     "    raise ValueError(resource.getrlimit(resource.RLIMIT_AS)[0])")
        error = observe(live)["calls"][0]["error"]
    finally:
        live.close()
    assert error["message"] == str(FALLBACK_MEMORY_LIMIT)
    assert FALLBACK_MEMORY_LIMIT * FALLBACK_PROCESS_LIMIT + SCRATCH_BYTES <= FALLBACK_MEMORY_BUDGET  # scratch counted


@pytest.mark.skipif(sandbox.cgroups.probe() is None, reason="no cgroup with a memory controller can be made here")
def test_groups_left_by_a_killed_grader_are_removed_by_the_next_one():
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()
    bases = sandbox.cgroups.probe()[1]
    stale = [os.path.join(base, f"grader-{gone.pid}-0badc0de") for base in set(bases.values())]
    for folder in stale:
        os.mkdir(folder)
    assert sandbox.cgroups.probe.__wrapped__() is not None  # probing afresh, as the next grader does
    assert [folder for folder in stale if os.path.exists(folder)] == []


@requires_isolation
def test_init_is_held_by_a_pidfd_and_killed_through_it():
    import signal

    live = session()
    try:
        assert live.init is not None
        signal.pidfd_send_signal(live.init, 0)  # a live process, bwrap's own child (checked when opened)
    finally:
        live.close()
    assert live.init is None and live.process.returncode is not None


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root grader gives each sandbox its own user id")
@requires_isolation
def test_without_a_cgroup_a_fork_bomb_in_one_session_takes_no_process_from_another(monkeypatch):
    from instructor_tools.grading.limits import FALLBACK_PROCESS_LIMIT

    monkeypatch.setattr(sandbox.cgroups, "create", lambda *args: None)
    other, bomb = session(), session()  # both running before the bomb goes off, as in a batch
    try:
        define(bomb, "import os, time\ndef f(layers_dims):\n    made = 0\n    try:\n        while made < 1000:\n"
                     "            if os.fork() == 0:\n                time.sleep(300)\n                os._exit(0)\n"
                     "            made += 1\n    except OSError:\n        pass\n    raise ValueError(made)\n")
        made = int(observe(bomb)["calls"][0]["error"]["message"])
        assert 0 < made <= FALLBACK_PROCESS_LIMIT  # RLIMIT_NPROC stopped it, and it still holds them all
        # When every sandbox ran as user nobody, the bomb's processes counted against this one's limit too.
        define(other, "import os\ndef f(layers_dims):\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n"
                      "    os.waitpid(pid, 0)\n")
        assert observe(other)["calls"][0]["error"] is None and other.uid != bomb.uid
    finally:
        bomb.close()
        other.close()


@pytest.mark.skipif(sandbox.cgroups.probe() is None, reason="no cgroup with a memory controller can be made here")
def test_the_cgroup_caps_the_cpus_where_it_can():
    from instructor_tools.grading.limits import CPU_QUOTA

    live = session()
    try:
        assert live.cgroup.cpu_quota() == (CPU_QUOTA if sandbox.cgroups.caps_cpu() else None)
    finally:
        live.close()


CGROUP_FILES = {  # the control files a new group comes with, per hierarchy, as cgroupfs makes them
    "v2": {"unified": ["memory.max", "memory.swap.max", "pids.max", "cpu.max", "memory.events", "cgroup.procs"]},
    "v1": {"memory": ["memory.limit_in_bytes", "memory.oom_control", "cgroup.procs"], "pids": ["pids.max", "cgroup.procs"],
           "cpu": ["cpu.cfs_period_us", "cpu.cfs_quota_us", "cgroup.procs"]},
}


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_both_cgroup_versions_get_every_cap(tmp_path, monkeypatch, version):
    import pathlib

    real_mkdir = os.mkdir

    def mkdir(path, *args):
        real_mkdir(path, *args)
        for name in CGROUP_FILES[version].get(os.path.basename(os.path.dirname(path)), []):
            (pathlib.Path(path) / name).write_text("")

    bases = {"memory": str(tmp_path / "unified")} if version == "v2" else {
        controller: str(tmp_path / controller) for controller in ("memory", "pids", "cpu")}
    for base in set(bases.values()):
        os.mkdir(base)
    monkeypatch.setattr(sandbox.cgroups.os, "mkdir", mkdir)
    group = sandbox.cgroups._make(version, bases, 600 * 2 ** 20, 8, 0.5)
    monkeypatch.undo()
    written = {str(path.relative_to(tmp_path)).split("/", 1)[0] + "/" + path.name: path.read_text()
               for path in tmp_path.glob("*/grader-*/*") if path.read_text()}
    expected = {"v2": {"unified/memory.max": str(600 * 2 ** 20), "unified/memory.swap.max": "0", "unified/pids.max": "8",
                       "unified/cpu.max": "50000 100000"},
                "v1": {"memory/memory.limit_in_bytes": str(600 * 2 ** 20), "pids/pids.max": "8",
                       "cpu/cpu.cfs_period_us": "100000", "cpu/cpu.cfs_quota_us": "50000"}}[version]
    assert written == expected and group.cpu_quota() == 0.5
    assert len(group.join_files()) == len(bases)
    group.path("memory", "memory.events" if version == "v2" else "memory.oom_control").write_text("oom 0\noom_kill 2\n")
    assert group.oom_kills() == 2
