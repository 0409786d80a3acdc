"""Start the child that runs learner code, isolated where the machine allows it, and talk to it.

Isolation levels, chosen once per process (see ``isolation()``):

- ``bwrap``: bubblewrap as root. The child has its own PID namespace (when it ends, every
  process it started ends with it), no network, no IPC or hostname sharing, a read-only
  view of only Python, the venv, the init_utils package and child.py, and a 64 MiB
  scratch tmpfs as its only writable place. child.py drops to user nobody (65534)
  before any learner code runs.
- ``bwrap-user``: bubblewrap without root, through a user namespace: the same, except
  that the child keeps the grading user's rights outside the sandbox (it still sees
  and can write only the scratch directory).
- ``none``: a plain child process with the resource limits only. Learner code runs with
  your rights, your files and your network. Every report says so.

Resource limits in every mode: CPU time, address space, file size, open files, and
processes (RLIMIT_NPROC). The parent trusts nothing the child says: replies are read
with a size limit, as JSON, and checked field by field (see protocol.py).
"""
import atexit
import contextlib
import glob
import json
import os
import pathlib
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

try:
    import resource
except ImportError:  # Windows: no resource limits, and no POSIX pipes to select on
    resource = None

from . import cgroups
from .limits import (FALLBACK_MEMORY_LIMIT, FALLBACK_PROCESS_LIMIT, FILE_SIZE_LIMIT, MAX_REPLY_BYTES, MEMORY_LIMIT,
                     PROCESS_LIMIT, SCRATCH_BYTES, SUBMISSION_MEMORY_LIMIT)

CHILD = pathlib.Path(__file__).with_name("child.py")
NOBODY = 65534
WARNING = ("NOT ISOLATED: learner code ran as your own user, with your files and network "
           "(bubblewrap is unavailable: {reason}). Grade untrusted submissions on Linux with bubblewrap.")


class SessionBroken(Exception):
    """The child stopped answering: it crashed, timed out, or broke the protocol. The message says which."""


class Isolation:
    """How learner code is isolated on this machine."""

    def __init__(self, mode, reason=""):
        self.mode, self.reason = mode, reason

    @property
    def isolated(self):
        return self.mode != "none"

    def describe(self):
        memory = memory_cap()
        if self.mode == "bwrap":
            return ("bubblewrap: own PID namespace, own user namespace (no new ones), user nobody, no network, read-only "
                    f"Python/venv/package, scratch tmpfs, limits on CPU, file size, processes and {memory}")
        if self.mode == "bwrap-root":
            return ("bubblewrap (user namespaces are disabled here, for learner code too): own PID namespace, "
                    "user nobody, no network, read-only Python/venv/package, scratch tmpfs, limits on CPU, "
                    f"file size, processes and {memory}")
        if self.mode == "bwrap-user":
            return ("bubblewrap (user namespace, not root): own PID namespace, no network, read-only "
                    f"Python/venv/package, scratch tmpfs, limits on CPU, file size, processes and {memory}")
        return WARNING.format(reason=self.reason)


def memory_cap():
    """Say how memory is capped on this machine."""
    if cgroups.probe() is not None:
        return f"memory ({SUBMISSION_MEMORY_LIMIT / 2 ** 30:g} GiB for the whole submission, cgroup)"
    return (f"memory ({FALLBACK_MEMORY_LIMIT / 2 ** 30:g} GiB per process, at most {FALLBACK_PROCESS_LIMIT} "
            "processes: no cgroup here)")


_CHOSEN = {}
_CHOOSING = threading.Lock()


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
    # As root: the sandbox, then inside it, as nobody, a second bwrap whose user namespace cannot make more
    # (--disable-userns). Where that fails, user namespaces are off for everyone, so learner code cannot make
    # one either: the sandbox alone (bwrap-root).
    modes = ["bwrap", "bwrap-root"] if os.geteuid() == 0 else ["bwrap-user"]
    if not shutil.which("setpriv"):
        modes = [m for m in modes if m != "bwrap"]
    reasons = []
    for mode in modes:
        command = _bwrap_command(mode) + [sys.executable, "-I", "-c", "open('/dev/null', 'w').close()"]
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


def _package_dir():
    import importlib.util

    spec = importlib.util.find_spec("init_utils")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the init_utils package is not importable: install the project (pip install -e .)")
    return os.path.realpath(list(spec.submodule_search_locations)[0])


_FONTS = {}


def _font_cache():
    """Return a copy of matplotlib's font list cache that user nobody can read, so the sandbox need not
    rebuild it (about 0.5 s), or None."""
    with _CHOOSING_FONTS:
        if "path" not in _FONTS:
            _FONTS["path"] = None
            folders = [os.environ.get("MPLCONFIGDIR"), os.path.expanduser("~/.cache/matplotlib"),
                       os.path.expanduser("~/.matplotlib")]
            for folder in folders:
                found = sorted(glob.glob(os.path.join(folder, "fontlist-v*.json"))) if folder else []
                if found:
                    with contextlib.suppress(OSError):
                        copy = tempfile.mkdtemp(prefix="grader-fonts-")
                        os.chmod(copy, 0o755)
                        target = os.path.join(copy, os.path.basename(found[-1]))
                        shutil.copyfile(found[-1], target)
                        os.chmod(target, 0o644)
                        atexit.register(shutil.rmtree, copy, True)
                        _FONTS["path"] = target
                    break
        return _FONTS["path"]


_CHOOSING_FONTS = threading.Lock()


def _read_only_trees():
    """Return the host directories the child needs, without duplicates or nesting."""
    trees = {"/usr"}
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))):
        trees.add(os.path.realpath(prefix))
        trees.add(os.path.abspath(prefix))
    trees.add(_package_dir())
    kept = []
    for tree in sorted(trees, key=len):
        if os.path.isdir(tree) and not any(tree == k or tree.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(tree)
    return kept


def _bwrap_command(mode):
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session"]
    if mode == "bwrap-user":  # learner code cannot make user namespaces (nor mount in them)
        command += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY), "--disable-userns"]
    made = set()
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = "/" + top
        if os.path.islink(host):
            command += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            command += ["--ro-bind", host, host]
        made.add(host)
    for tree in _read_only_trees():
        parts = pathlib.PurePosixPath(tree).parts
        for depth in range(2, len(parts)):
            parent = str(pathlib.PurePosixPath(*parts[:depth]))
            if parent not in made and parent != "/usr":
                command += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        command += ["--ro-bind", tree, tree]
    if os.path.exists("/etc/ld.so.cache"):
        command += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    command += ["--proc", "/proc", "--dev", "/dev",
                "--perms", "0755", "--dir", "/grader", "--ro-bind", str(CHILD), "/grader/child.py",
                "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/scratch",
                "--perms", "1777", "--dir", "/scratch/mpl", "--perms", "1777", "--dir", "/scratch/tmp",
                "--chdir", "/scratch"]
    fonts = _font_cache()
    if fonts:
        command += ["--ro-bind", fonts, "/scratch/mpl/" + os.path.basename(fonts)]
    if mode == "bwrap":  # become nobody, then a user namespace that can make no other (nor mount in one)
        return command + ["--perms", "0755", "--dir", "/tmp", "--",
                          shutil.which("setpriv") or "setpriv", "--reuid", str(NOBODY), "--regid", str(NOBODY),
                          "--clear-groups", "--", shutil.which("bwrap") or "bwrap", "--unshare-user", "--uid", str(NOBODY),
                          "--gid", str(NOBODY), "--disable-userns", "--unshare-pid", "--die-with-parent", "--bind", "/", "/",
                          "--dev", "/dev",
                          "--chdir", "/scratch", "--"]
    return command + ["--"]


def _limits(cpu_seconds, memory_limit, processes, join=()):
    wanted = [("RLIMIT_CPU", cpu_seconds, cpu_seconds + 1), ("RLIMIT_AS", memory_limit, memory_limit),
              ("RLIMIT_FSIZE", FILE_SIZE_LIMIT, FILE_SIZE_LIMIT), ("RLIMIT_CORE", 0, 0),
              ("RLIMIT_NOFILE", 256, 256), ("RLIMIT_NPROC", processes, processes)]
    limits = [(getattr(resource, name), soft, hard) for name, soft, hard in wanted if hasattr(resource, name)]
    join = [os.fsencode(path) for path in join]

    def apply():  # runs in the child between fork and exec: no imports, no locks
        pid = str(os.getpid()).encode()
        for path in join:  # into the submission's cgroup first: everything it starts stays in it
            descriptor = os.open(path, os.O_WRONLY)
            try:
                os.write(descriptor, pid)
            finally:
                os.close(descriptor)
        for which, soft, hard in limits:
            try:
                resource.setrlimit(which, (soft, hard))
            except (ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS; the other limits still hold
                pass

    return apply


def _own_processes(uid=None):
    """Count the processes of ``uid`` (default: ours); RLIMIT_NPROC counts them all, not only the child's."""
    uid, count = (os.getuid() if uid is None else uid), 0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
    return count


class Session:
    """One child process that runs a submission's cells; ``request`` sends a message and returns the reply."""

    def __init__(self, chosen, deadline, timeout, memory_limit=None, total_memory=SUBMISSION_MEMORY_LIMIT):
        if resource is None:
            raise RuntimeError("grading runs learner code only on Linux or macOS; on Windows, use WSL")
        self.deadline, self.timeout, self.isolation = deadline, timeout, chosen
        self.token = secrets.token_hex(8)
        self.paths = [os.path.dirname(_package_dir())]
        self.scratch = None
        self.total_memory = total_memory
        # One cgroup for everything the submission starts: memory and processes counted together.
        self.cgroup = cgroups.create(total_memory, PROCESS_LIMIT)
        if self.cgroup is not None:
            processes, per_process = PROCESS_LIMIT, memory_limit or MEMORY_LIMIT
        else:  # no cgroup: fewer processes and less memory each, so that their product stays bounded
            processes, per_process = FALLBACK_PROCESS_LIMIT, memory_limit or FALLBACK_MEMORY_LIMIT
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
               "GRADER_SANDBOX": self.token}
        child = [sys.executable, "-I", "-X", "utf8"]
        if chosen.isolated:
            command = _bwrap_command(chosen.mode) + child + ["/grader/child.py"]
            if chosen.mode == "bwrap-root":
                command.append("--drop-privileges")
            scratch = "/scratch"
            # RLIMIT_NPROC counts every process of the user the sandbox runs as (bwrap and its init included)
            runs_as = NOBODY if chosen.mode in ("bwrap", "bwrap-root") else os.getuid()
            nproc = _own_processes(runs_as) + processes + 3
        else:
            self.scratch = tempfile.mkdtemp(prefix="grade-")
            scratch = self.scratch
            os.makedirs(os.path.join(scratch, "mpl"))
            os.makedirs(os.path.join(scratch, "tmp"))
            fonts = _font_cache()
            if fonts:  # as in the sandbox: matplotlib need not rebuild its font list (about 0.5 s)
                shutil.copy(fonts, os.path.join(scratch, "mpl", os.path.basename(fonts)))
            command = child + [str(CHILD)]
            nproc = _own_processes() + processes if os.geteuid() != 0 else processes
        env.update(HOME=scratch, TMPDIR=scratch + "/tmp", MPLCONFIGDIR=scratch + "/mpl",
                   NUMBA_CACHE_DIR=scratch + "/tmp")
        left = max(self.deadline - time.monotonic(), 0.1)
        info_read, info_write = os.pipe() if chosen.isolated else (None, None)
        if chosen.isolated:  # bwrap tells the PID of the namespace's init: killing it empties the namespace
            command[1:1] = ["--info-fd", str(info_write)]
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=scratch if self.scratch else "/", env=env, start_new_session=True,
                pass_fds=(info_write,) if chosen.isolated else (),
                preexec_fn=_limits(int(left) + 2, per_process, nproc,
                                   join=self.cgroup.join_files() if self.cgroup else ()))
        except BaseException:
            if self.cgroup is not None:
                self.cgroup.remove()
            raise
        finally:
            if info_write is not None:
                os.close(info_write)
        self.info = info_read
        os.set_blocking(self.process.stdin.fileno(), False)
        self.buffer = b""
        self.selector = selectors.DefaultSelector()

    def request(self, message, running):
        """Send ``message``; return the reply dict. Raise SessionBroken when the child fails ``running`` (a name)."""
        data = (json.dumps(message) + "\n").encode("ascii")
        fd_in = self.process.stdin.fileno()
        while data:
            self._wait(fd_in, selectors.EVENT_WRITE, running)
            try:
                written = os.write(fd_in, data)
            except (BrokenPipeError, OSError):
                raise SessionBroken(self._exit_reason(running)) from None
            data = data[written:]
        fd_out = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_REPLY_BYTES:
                raise SessionBroken(f"the grading channel received more than {MAX_REPLY_BYTES // 2 ** 20} MB without "
                                    f"a line break while running {running}")
            self._wait(fd_out, selectors.EVENT_READ, running)
            chunk = os.read(fd_out, 1 << 20)
            if not chunk:
                raise SessionBroken(self._exit_reason(running))
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        if len(line) > MAX_REPLY_BYTES:
            raise SessionBroken(f"a reply on the grading channel was over {MAX_REPLY_BYTES // 2 ** 20} MB "
                                f"while running {running}")
        try:
            reply = json.loads(line.decode("ascii"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise SessionBroken(f"the grading channel received data that is not a reply while running {running} "
                                "(something wrote to the grader's pipe)") from None
        if not isinstance(reply, dict):
            raise SessionBroken(f"the grading channel received a malformed reply while running {running}")
        return reply

    def _wait(self, fd, event, running):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SessionBroken(f"timed out after {self.timeout:g} s in {running}{self._oom_note()}")
        self.selector.register(fd, event)
        try:
            ready = self.selector.select(timeout=left)
        finally:
            self.selector.unregister(fd)
        if not ready:
            raise SessionBroken(f"timed out after {self.timeout:g} s in {running}{self._oom_note()}")

    def _oom_note(self):
        kills = self.cgroup.oom_kills() if self.cgroup is not None else 0
        return (f" (the memory cap, {self.total_memory / 2 ** 30:g} GiB for all its processes together, killed "
                f"{kills} of them)") if kills else ""

    def _exit_reason(self, running):
        try:
            code = self.process.wait(timeout=max(0.0, min(2.0, self.deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            code = None
        if self.cgroup is not None and self.cgroup.oom_kills():
            return (f"ran out of memory (all its processes together may use {self.total_memory / 2 ** 30:g} GiB) "
                    f"in {running}")
        return f"{describe_exit(code)} in {running}"

    def _namespace_init(self):
        """Return the host PID of the sandbox's PID-namespace init, as bwrap reported it, or None."""
        if self.info is None:
            return None
        data = b""
        with contextlib.suppress(OSError):
            os.set_blocking(self.info, False)
            while True:
                chunk = os.read(self.info, 4096)
                if not chunk:
                    break
                data += chunk
        os.close(self.info)
        self.info = None
        try:
            pid = json.loads(data.decode()).get("child-pid")
        except (ValueError, UnicodeDecodeError, AttributeError):
            return None
        return pid if isinstance(pid, int) and pid > 1 else None

    def close(self):
        """Kill the child and everything it started; remove the scratch directory.

        With bubblewrap, the namespace's init is killed first: the kernel then kills every
        process in the namespace, and bwrap exits only once they are all gone, so when this
        returns nothing the submission started is left.
        """
        init = self._namespace_init()
        if init is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(init, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        if self.cgroup is not None:  # whatever is left in the submission's cgroup, then the group itself
            self.cgroup.remove()
        if not self.isolation.isolated:
            _kill_marked(self.token)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.selector.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _kill_marked(token):
    """Without a PID namespace, kill what is left of the child's processes, found by their environment (best effort)."""
    marker = f"GRADER_SANDBOX={token}".encode()
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/environ", "rb") as handle:
                    if marker in handle.read().split(b"\0"):
                        os.kill(int(entry), signal.SIGKILL)


def describe_exit(code):
    """Say in words why the child ended with return code ``code``."""
    if code is None:
        return "stopped answering"
    if code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
        reasons = {"SIGSEGV": "crashed (segmentation fault)", "SIGXCPU": "ran out of CPU time",
                   "SIGKILL": "was killed (out of memory or time)", "SIGXFSZ": "wrote too large a file",
                   "SIGABRT": "aborted"}
        return reasons.get(name, f"was killed by {name}")
    if code > 128 and code - 128 in signal.Signals._value2member_map_:
        return describe_exit(128 - code)
    return f"the interpreter exited (exit code {code}) before finishing, e.g. through os._exit()"
