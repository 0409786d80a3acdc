"""Which isolation this machine gives learner code (probed once per process), and the line every verdict names it in.

Modes (docs/grading.md): ``bwrap`` (root), ``bwrap-root`` (root, user namespaces disabled: the child drops to the
session's user id itself), ``bwrap-user`` (no root) and ``none`` (resource limits only: NOT ISOLATED).
"""
import dataclasses
import os
import shutil
import subprocess
import sys
import threading

from . import bwrap, cgroups, seccomp
from .limits import (CPU_QUOTA, FALLBACK_MEMORY_BUDGET, FALLBACK_MEMORY_LIMIT, FALLBACK_PROCESS_LIMIT, SCRATCH_BYTES,
                     SUBMISSION_MEMORY_LIMIT)

WARNING = ("NOT ISOLATED: learner code ran as your own user, with your files and network "
           "({reason}). Grade untrusted submissions on Linux with bubblewrap.")
NAMESPACES = {
    "bwrap": "bubblewrap: own PID namespace, own user id and user namespace (no new ones), no network, ",
    "bwrap-root": "bubblewrap (user namespaces are disabled here, for learner code too): own PID namespace, own user id, "
                  "no network, ",
    "bwrap-user": "bubblewrap (user namespace, not root): own PID namespace, no network, ",
}
_CHOSEN = {}
_CHOOSING = threading.Lock()


def limits_text():
    """Say which limits hold on this machine (the cgroup's, or the per-process fallback)."""
    if cgroups.probe() is not None:
        cpu = f", {CPU_QUOTA:g} CPU" if cgroups.caps_cpu() else ""
        return (f"limits on CPU time{cpu}, file size, processes and memory ({SUBMISSION_MEMORY_LIMIT / 2 ** 30:g} GiB "
                "for the whole submission, scratch included, cgroup)")
    return (f"limits on CPU time, file size, processes and memory ({FALLBACK_MEMORY_BUDGET / 2 ** 30:g} GiB for the "
            f"whole submission: at most {FALLBACK_PROCESS_LIMIT} processes of {FALLBACK_MEMORY_LIMIT // 2 ** 20} MiB "
            f"and the {SCRATCH_BYTES // 2 ** 20} MiB scratch; no cgroup here)")


@dataclasses.dataclass(frozen=True)
class Isolation:
    """How learner code is isolated on this machine: ``mode`` (see above), and why it is none."""

    mode: str
    reason: str = ""

    @property
    def isolated(self):
        return self.mode != "none"

    def describe(self):
        """Say in one line how learner code is isolated."""
        if not self.isolated:
            return WARNING.format(reason=self.reason)
        return (NAMESPACES[self.mode] + f"read-only file system but a {SCRATCH_BYTES // 2 ** 20} MiB scratch tmpfs, "
                + ("seccomp filter, " if seccomp.program() else "") + limits_text())


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
    # cannot make more. Where that fails, user namespaces are off for everyone, learner code included: bwrap-root.
    modes = ((["bwrap"] if shutil.which("setpriv") else []) + ["bwrap-root"]) if os.geteuid() == 0 else ["bwrap-user"]
    for mode in modes:
        command = bwrap.command(mode) + [bwrap.interpreter(), "-I", "-c", "open('/dev/null', 'w').close()"]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as error:
            reason = f"bwrap could not start ({error})"
            continue
        if done.returncode == 0:
            return Isolation(mode)
        reason = _failure(done)
    return Isolation("none", reason)


def _failure(done):
    """Say what failed in the trial sandbox ``done``; guess at disabled user namespaces only where bwrap names them."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    detail = lines[-1] if lines else f"exit code {done.returncode}"
    named = any(word in detail.lower() for word in ("namespace", "uid map"))
    hint = "; user namespaces may be disabled" if named else ""
    return f"bubblewrap is installed, but a trial sandbox failed ({detail}){hint}"
