"""One control group per sandbox: a memory cap (and a process cap) for the whole submission, not per process.

RLIMIT_AS limits each process on its own, so a submission that starts many processes could use
their sum. A cgroup counts every process the submission starts, and the tmpfs pages it fills, together.
Creating one needs root and a memory controller we may write to:

- cgroup v2 (``/sys/fs/cgroup/cgroup.controllers``): a group next to the grader's own (its parent
  must delegate ``memory``), or under the root group. ``memory.max``, ``memory.swap.max`` = 0, ``pids.max``,
  and ``cpu.max`` where the ``cpu`` controller is delegated.
- cgroup v1 (``/sys/fs/cgroup/memory``): a group under the grader's own memory group;
  ``memory.limit_in_bytes`` (and ``memsw``), plus ``pids.max`` in the pids hierarchy and
  ``cpu.cfs_quota_us`` in the cpu hierarchy when there are.

``probe()`` tries once per process (and removes empty groups that a killed grader left behind);
``create`` returns None where none of this works (no root, macOS,
a container without write access), and the sandbox then falls back to tighter per-process limits.
"""
import contextlib
import os
import secrets
import signal
import threading
import time

ROOT = "/sys/fs/cgroup"
_PROBED = {}
_LOCK = threading.Lock()


def _own(controller):
    """Return the grader's own cgroup path for ``controller`` ("" for the v2 line), or None."""
    try:
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                number, controllers, path = line.rstrip("\n").split(":", 2)
                if controller in controllers.split(",") or (controller == "" and number == "0" and controllers == ""):
                    return path
    except (OSError, ValueError):
        return None
    return None


def _read(path):
    with open(path) as handle:
        return handle.read()


def _write(path, value):
    with open(path, "w") as handle:
        handle.write(str(value))


def _bases():
    """Return [(version, {hierarchy: base folder})] worth trying, best first."""
    out = []
    if os.path.exists(os.path.join(ROOT, "cgroup.controllers")):
        own = _own("")
        if own is not None:
            own_dir = os.path.join(ROOT, own.lstrip("/"))
            for base in ([own_dir] if own == "/" else []) + [os.path.dirname(own_dir.rstrip("/"))]:
                if base.startswith(ROOT):
                    out.append(("v2", {"memory": base, "pids": base}))
    elif os.path.isdir(os.path.join(ROOT, "memory")):
        own = _own("memory")
        if own is not None:
            bases = {"memory": os.path.join(ROOT, "memory", own.lstrip("/"))}
            for controller in ("pids", "cpu"):
                path = _own(controller)
                if path is not None and os.path.isdir(os.path.join(ROOT, controller)):
                    bases[controller] = os.path.join(ROOT, controller, path.lstrip("/"))
            out.append(("v1", bases))
    return out


class Cgroup:
    """A cgroup made for one sandbox; remove() it when the sandbox is gone."""

    def __init__(self, version, folders):
        self.version, self.folders = version, folders  # {"memory": dir, "pids", "cpu": dir (optional)}

    def cpu_quota(self):
        """Return the CPUs the group may use at once, or None where it has no CPU quota."""
        with contextlib.suppress(OSError, ValueError, KeyError):
            if self.version == "v2":
                quota, period = _read(os.path.join(self.folders["memory"], "cpu.max")).split()
            else:
                quota = _read(os.path.join(self.folders["cpu"], "cpu.cfs_quota_us"))
                period = _read(os.path.join(self.folders["cpu"], "cpu.cfs_period_us"))
            return int(quota) / int(period)
        return None

    def join_files(self):
        """Return the cgroup.procs files a new process writes its PID to (between fork and exec)."""
        return sorted({os.path.join(folder, "cgroup.procs") for folder in self.folders.values()})

    def oom_kills(self):
        """Return how many processes the memory cap killed so far."""
        name = "memory.events" if self.version == "v2" else "memory.oom_control"
        with contextlib.suppress(OSError, ValueError):
            for line in _read(os.path.join(self.folders["memory"], name)).splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        return 0

    def kill(self):
        """Kill every process still in the group (what a PID namespace does in the isolated modes)."""
        memory = self.folders["memory"]
        if self.version == "v2" and os.path.exists(os.path.join(memory, "cgroup.kill")):
            with contextlib.suppress(OSError):
                _write(os.path.join(memory, "cgroup.kill"), 1)
        for _ in range(200):
            try:
                pids = [int(p) for p in _read(os.path.join(memory, "cgroup.procs")).split()]
            except (OSError, ValueError):
                return
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def remove(self):
        self.kill()
        for folder in self.folders.values():
            for _ in range(100):  # a killed process leaves its group a moment after it dies
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


PERIOD = 100_000  # microseconds of the CPU quota's period


def _optional(bases, made, name, controller, files):
    """Make the v1 group of ``controller`` and write ``files`` into it; leave it out where that fails."""
    if controller in bases:
        with contextlib.suppress(OSError):
            folder = os.path.join(bases[controller], name)
            os.mkdir(folder)
            made[controller] = folder
            for file, value in files:
                _write(os.path.join(folder, file), value)


def _make(version, bases, memory_limit, processes, cpu_quota):
    name = f"grader-{os.getpid()}-{secrets.token_hex(4)}"
    made = {}
    try:
        memory = os.path.join(bases["memory"], name)
        os.mkdir(memory)
        made["memory"] = memory
        if version == "v2":
            _write(os.path.join(memory, "memory.max"), memory_limit)
            for file, value in (("memory.swap.max", 0), ("pids.max", processes),
                                ("cpu.max", f"{int(cpu_quota * PERIOD)} {PERIOD}")):
                if os.path.exists(os.path.join(memory, file)):
                    _write(os.path.join(memory, file), value)
        else:
            _write(os.path.join(memory, "memory.limit_in_bytes"), memory_limit)
            with contextlib.suppress(OSError):  # only with swap accounting
                _write(os.path.join(memory, "memory.memsw.limit_in_bytes"), memory_limit)
            _optional(bases, made, name, "pids", [("pids.max", processes)])
            _optional(bases, made, name, "cpu", [("cpu.cfs_period_us", PERIOD),
                                                 ("cpu.cfs_quota_us", int(cpu_quota * PERIOD))])
    except OSError:
        Cgroup(version, made).remove()
        return None
    return Cgroup(version, made)


def _sweep(bases):
    """Remove empty groups left by a grader that was killed before it could (its PID, in the name, is gone)."""
    for base in set(bases.values()):
        with contextlib.suppress(OSError):
            for entry in os.listdir(base):
                parts = entry.split("-")
                if len(parts) == 3 and parts[0] == "grader" and parts[1].isdigit() and not os.path.exists(
                        f"/proc/{parts[1]}"):
                    with contextlib.suppress(OSError):  # not empty, or already gone: leave it
                        os.rmdir(os.path.join(base, entry))


def probe():
    """Return (version, bases) of the first place a memory-capped cgroup can be made here, or None (once)."""
    with _LOCK:
        if "found" not in _PROBED:
            _PROBED["found"] = None
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                for version, bases in _bases():
                    if version == "v2":
                        base = bases["memory"]
                        for controller in ("memory", "pids", "cpu"):
                            with contextlib.suppress(OSError):
                                if controller not in _read(os.path.join(base, "cgroup.subtree_control")).split():
                                    _write(os.path.join(base, "cgroup.subtree_control"), "+" + controller)
                    test = _make(version, bases, 64 * 1024 ** 2, 8, 1.0)
                    if test is not None:
                        test.remove()
                        _sweep(bases)
                        _PROBED["found"] = (version, bases)
                        break
        return _PROBED["found"]


def caps_cpu():
    """Say whether the cgroups made here get a CPU quota (the cpu controller is there to write to)."""
    found = probe()
    if found is None:
        return False
    version, bases = found
    if version == "v1":
        return "cpu" in bases
    with contextlib.suppress(OSError):
        return "cpu" in _read(os.path.join(bases["memory"], "cgroup.subtree_control")).split()
    return False


def create(memory_limit, processes, cpu_quota):
    """Return a new Cgroup capping memory (bytes), processes and CPUs, or None where cgroups are not usable."""
    found = probe()
    if found is None:
        return None
    return _make(found[0], found[1], memory_limit, processes, cpu_quota)
