"""Which isolation this machine gives learner code, chosen once per process, and how to say it in one line.

- ``bwrap``: bubblewrap as root. Each session runs under its own user id with its own PID,
  network, IPC, UTS and user namespaces, on a read-only file system whose only writable place is
  a sized scratch tmpfs; a cgroup caps memory, processes and CPU where one can be made.
- ``bwrap-root``: the same where user namespaces are disabled (for learner code too); the child
  drops to the session's user id itself.
- ``bwrap-user``: bubblewrap without root, through a user namespace: the same file system and
  namespaces, but the sandbox runs as the grading user outside, and there is no cgroup.
- ``none``: a plain child process with the resource limits only. Learner code runs with your
  rights, your files and your network. Every verdict says so.
"""
import os
import shutil
import subprocess
import sys
import threading

from . import bwrap, cgroups, seccomp
from .limits import (CPU_QUOTA, FALLBACK_MEMORY_BUDGET, FALLBACK_MEMORY_LIMIT, FALLBACK_PROCESS_LIMIT, SCRATCH_BYTES,
                     SUBMISSION_MEMORY_LIMIT)

WARNING = ("NOT ISOLATED: learner code ran as your own user, with your files and network "
           "(bubblewrap is unavailable: {reason}). Grade untrusted submissions on Linux with bubblewrap.")
_CHOSEN = {}
_CHOOSING = threading.Lock()


def _gib(size):
    return f"{size / 2 ** 30:g} GiB"


def limits_text():
    """Say which limits hold on this machine (the cgroup's, or the per-process fallback)."""
    if cgroups.probe() is not None:
        cpu = f", {CPU_QUOTA:g} CPU" if cgroups.caps_cpu() else ""
        return (f"limits on CPU time{cpu}, file size, processes and memory ({_gib(SUBMISSION_MEMORY_LIMIT)} for "
                "the whole submission, scratch included, cgroup)")
    return (f"limits on CPU time, file size, processes and memory ({_gib(FALLBACK_MEMORY_BUDGET)} for the whole "
            f"submission: at most {FALLBACK_PROCESS_LIMIT} processes of {FALLBACK_MEMORY_LIMIT // 2 ** 20} MiB "
            f"and the {SCRATCH_BYTES // 2 ** 20} MiB scratch; no cgroup here)")


class Isolation:
    """How learner code is isolated on this machine."""

    def __init__(self, mode, reason=""):
        self.mode, self.reason = mode, reason

    @property
    def isolated(self):
        return self.mode != "none"

    def describe(self):
        files = (f"read-only file system but a {SCRATCH_BYTES // 2 ** 20} MiB scratch tmpfs, "
                 + ("seccomp filter, " if seccomp.program() else "") + limits_text())
        if self.mode == "bwrap":
            return ("bubblewrap: own PID namespace, own user id and user namespace (no new ones), no network, "
                    + files)
        if self.mode == "bwrap-root":
            return ("bubblewrap (user namespaces are disabled here, for learner code too): own PID namespace, "
                    "own user id, no network, " + files)
        if self.mode == "bwrap-user":
            return "bubblewrap (user namespace, not root): own PID namespace, no network, " + files
        return WARNING.format(reason=self.reason)


def isolation(wanted="auto"):
    """Return the Isolation for ``wanted`` ("auto", "required" or "off"); raise RuntimeError if required is impossible."""
    if wanted == "off":
        return Isolation("none", "turned off with --isolation off")
    with _CHOOSING:
        if "auto" not in _CHOSEN:
            _CHOSEN["auto"] = _probe()
    chosen = _CHOSEN["auto"]
    if wanted == "required" and not chosen.isolated:
        raise RuntimeError(f"isolation is required but unavailable: {chosen.reason}")
    return chosen


def _probe():
    if not sys.platform.startswith("linux"):
        return Isolation("none", f"this is {sys.platform}, and bubblewrap is Linux-only")
    if not shutil.which("bwrap"):
        return Isolation("none", "the bwrap command is not installed (Debian/Ubuntu: apt install bubblewrap)")
    # As root: the sandbox, then inside it, under the session's user id, a second bwrap whose user namespace
    # cannot make more (--disable-userns). Where that fails, user namespaces are off for everyone, so learner
    # code cannot make one either: the sandbox alone (bwrap-root).
    modes = ["bwrap", "bwrap-root"] if os.geteuid() == 0 else ["bwrap-user"]
    if not shutil.which("setpriv"):
        modes = [m for m in modes if m != "bwrap"]
    reasons = []
    for mode in modes:
        command = bwrap.command(mode) + [sys.executable, "-I", "-c", "open('/dev/null', 'w').close()"]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as error:
            reasons.append(f"bwrap could not start ({error})")
            continue
        if done.returncode == 0:
            return Isolation(mode)
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reasons.append(f"bwrap failed here ({detail[-1] if detail else done.returncode}); "
                       "user namespaces may be disabled")
    return Isolation("none", reasons[-1])
