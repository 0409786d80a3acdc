"""One control group per sandbox session, so that memory (scratch included), processes and CPU count for all of them.

It needs root and a memory controller to write to: cgroup v2 (next to the grader's own group, or under the root) or
v1 (a group in each of the memory, pids and cpu hierarchies). Elsewhere the sandbox uses tighter per-process limits.
"""
import contextlib
import functools
import os
import pathlib
import re
import secrets
import signal
import time

from .processes import alive

ROOT = "/sys/fs/cgroup"
PERIOD = 100_000  # microseconds of the CPU quota's period
# (controller, file, value) per version; the first is the memory cap and must be written, the others where they exist
SETTINGS = {
    "v2": [("memory", "memory.max", "{memory}"), ("memory", "memory.swap.max", "0"), ("pids", "pids.max", "{processes}"),
           ("cpu", "cpu.max", "{quota} {period}")],
    "v1": [("memory", "memory.limit_in_bytes", "{memory}"), ("memory", "memory.memsw.limit_in_bytes", "{memory}"),
           ("pids", "pids.max", "{processes}"), ("cpu", "cpu.cfs_period_us", "{period}"),
           ("cpu", "cpu.cfs_quota_us", "{quota}")],
}


class Cgroup:
    """A cgroup made for one session ({controller: folder}; v2 has one folder for all); remove() it at the end."""

    def __init__(self, version, folders):
        self.version, self.folders = version, folders

    def path(self, controller, file):
        return pathlib.Path(self.folders.get(controller, self.folders["memory"]), file)

    def cpu_quota(self):
        """Return the CPUs the group may use at once, or None where it has no CPU quota."""
        with contextlib.suppress(OSError, ValueError):
            if self.version == "v2":
                quota, period = self.path("cpu", "cpu.max").read_text().split()
            else:
                quota, period = (self.path("cpu", f"cpu.cfs_{name}_us").read_text() for name in ("quota", "period"))
            return int(quota) / int(period)
        return None

    def join_files(self):
        """Return the cgroup.procs files a new process writes its PID to (between fork and exec)."""
        return sorted({os.path.join(folder, "cgroup.procs") for folder in self.folders.values()})

    def oom_kills(self):
        """Return how many processes the memory cap killed so far."""
        with contextlib.suppress(OSError, ValueError):
            events = self.path("memory", "memory.events" if self.version == "v2" else "memory.oom_control")
            for line in events.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        return 0

    def remove(self):
        """Kill every process left in the group (as a PID namespace's end does), then remove the group."""
        if "memory" not in self.folders:
            return
        if self.version == "v2":
            with contextlib.suppress(OSError):  # all at once, where the kernel has cgroup.kill
                self.path("memory", "cgroup.kill").write_text("1")
        for _ in range(200):
            try:
                pids = [int(pid) for pid in self.path("memory", "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                break
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)
        for folder in set(self.folders.values()):
            for _ in range(100):  # a killed process leaves its group a moment after it dies
                with contextlib.suppress(OSError):
                    os.rmdir(folder)
                if not os.path.exists(folder):
                    break
                time.sleep(0.02)


def _make(version, bases, memory, processes, cpus):
    """Return a new Cgroup with these caps (bytes, processes, CPUs), or None where its memory cap cannot be set."""
    name = f"grader-{os.getpid()}-{secrets.token_hex(4)}"
    group = Cgroup(version, {})
    values = {"memory": memory, "processes": processes, "quota": int(cpus * PERIOD), "period": PERIOD}
    try:
        for controller, base in bases.items():  # memory first; v1's pids and cpu groups only where they can be made
            try:
                os.mkdir(os.path.join(base, name))
                group.folders[controller] = os.path.join(base, name)
            except OSError:
                if controller == "memory":
                    raise
        for index, (controller, file, value) in enumerate(SETTINGS[version]):
            if index == 0 or group.path(controller, file).exists():
                group.path(controller, file).write_text(value.format(**values))
    except OSError:
        group.remove()
        return None
    return group


def _bases():
    """Return the (version, {controller: parent folder}) worth trying, best first."""
    own = {}  # controller: the grader's own group ("" names the v2 line)
    with contextlib.suppress(OSError, ValueError):
        for line in pathlib.Path("/proc/self/cgroup").read_text().splitlines():
            number, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else ([""] if number == "0" else []):
                own[controller] = path.lstrip("/")
    if os.path.exists(os.path.join(ROOT, "cgroup.controllers")):
        if "" not in own:
            return []
        mine = os.path.join(ROOT, own[""])
        parents = ([mine] if own[""] == "" else []) + [os.path.dirname(mine.rstrip("/"))]
        return [("v2", {"memory": base}) for base in parents if base.startswith(ROOT)]
    bases = {controller: os.path.join(ROOT, controller, own[controller]) for controller in ("memory", "pids", "cpu")
             if controller in own and os.path.isdir(os.path.join(ROOT, controller))}
    return [("v1", bases)] if "memory" in bases else []


def _sweep(bases):
    """Remove the empty groups of a grader that was killed before it could (its PID, in their name, is gone)."""
    for base in set(bases.values()):
        with contextlib.suppress(OSError):
            for entry in os.listdir(base):
                found = re.fullmatch(r"grader-([1-9][0-9]{0,6})-[0-9a-f]{8}", entry)  # the shape create() gives
                if found and not alive(int(found[1])):
                    with contextlib.suppress(OSError):  # not empty, or already gone: leave it
                        os.rmdir(os.path.join(base, entry))


@functools.cache
def probe():
    """Return (version, bases, caps CPU) of the first place a memory-capped cgroup can be made here, or None."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return None
    for version, bases in _bases():
        for controller in ("memory", "pids", "cpu") if version == "v2" else ():  # delegate them, one by one
            with contextlib.suppress(OSError):
                pathlib.Path(bases["memory"], "cgroup.subtree_control").write_text("+" + controller)
        test = _make(version, bases, 64 * 1024 ** 2, 8, 1.0)
        if test is not None:
            caps_cpu = test.cpu_quota() is not None
            test.remove()
            _sweep(bases)
            return version, bases, caps_cpu
    return None


def caps_cpu():
    """Say whether the cgroups made here get a CPU quota (the cpu controller is there to write to)."""
    return bool(probe() and probe()[2])


def create(memory, processes, cpus):
    """Return a new Cgroup capping memory (bytes), processes and CPUs, or None where cgroups are not usable."""
    found = probe()
    return _make(found[0], found[1], memory, processes, cpus) if found else None
