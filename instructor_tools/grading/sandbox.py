"""One sandboxed session: start the child that runs one graded function's cells, talk to it, kill all it started.

The parent trusts nothing the child says: a reply is one line of at most MAX_REPLY_BYTES, read strictly
(protocol.py); after an error reply the session is over.
"""
import contextlib
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import threading
import time

try:
    import resource
except ImportError:  # Windows: no resource limits, and no POSIX pipes to select on
    resource = None

from . import bwrap, cgroups, seccomp
from .isolation import Isolation, isolation  # noqa: F401 (the sandbox's public names)
from .limits import (CPU_QUOTA, FALLBACK_MEMORY_LIMIT, FALLBACK_PROCESS_LIMIT, FILE_SIZE_LIMIT, MAX_REPLY_BYTES,
                     MEMORY_LIMIT, OPEN_FILES, PROCESS_LIMIT, SANDBOX_UIDS, SUBMISSION_MEMORY_LIMIT)
from .processes import count_processes, describe_exit, kill_marked, owned_folder
from .protocol import ProtocolError, parse_reply

_UIDS_IN_USE = set()
_UID_LOCK = threading.Lock()


class SessionBroken(Exception):
    """The child stopped answering: it crashed, timed out, or broke the protocol. The message says which."""


def claim_uid():
    """Return a user id from SANDBOX_UIDS that no process and no other session of this grader uses."""
    with _UID_LOCK:
        while True:
            uid = secrets.choice(SANDBOX_UIDS)
            if uid not in _UIDS_IN_USE and count_processes(uid) == 0:
                _UIDS_IN_USE.add(uid)
                return uid


def _limits(cpu_seconds, memory, processes, join):
    """Return the function that joins the cgroup, then sets the limits, in the child between fork and exec."""
    limits = [(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1), (resource.RLIMIT_AS, memory, memory),
              (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT, FILE_SIZE_LIMIT), (resource.RLIMIT_CORE, 0, 0),
              (resource.RLIMIT_NOFILE, OPEN_FILES, OPEN_FILES), (resource.RLIMIT_NPROC, processes, processes)]
    join = [os.fsencode(path) for path in join]

    def apply():  # no imports, no locks; an error here makes Popen raise
        for path in join:  # the cgroup first: everything the child starts stays in it
            descriptor = os.open(path, os.O_WRONLY)
            os.write(descriptor, str(os.getpid()).encode())
            os.close(descriptor)
        for which, soft, hard in limits:
            with contextlib.suppress(ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS; the others still hold
                resource.setrlimit(which, (soft, hard))

    return apply


def _environment(token, scratch):
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            "GRADER_SANDBOX": token, "HOME": scratch, "TMPDIR": scratch + "/tmp", "MPLCONFIGDIR": scratch + "/mpl",
            "NUMBA_CACHE_DIR": scratch + "/tmp", "IPYTHONDIR": scratch + "/tmp/ipython"}


def _host_scratch():
    """Make the scratch folder of an unisolated child, with matplotlib's font cache as in the sandbox."""
    scratch = owned_folder("grade-")
    for folder in ("tmp", "mpl"):
        os.mkdir(os.path.join(scratch, folder))
    if bwrap.font_cache():
        shutil.copy(bwrap.font_cache(), os.path.join(scratch, "mpl"))
    return scratch


class Session:
    """One child process that runs one graded function's cells; ``request`` sends a message and returns the reply."""

    def __init__(self, chosen, timeout, total_memory=SUBMISSION_MEMORY_LIMIT):
        if resource is None:
            raise RuntimeError("grading runs learner code only on Linux or macOS; on Windows, use WSL")
        self.isolation, self.total_memory = chosen, total_memory
        self.allow(timeout)
        self.token, self.buffer, self.ended, self.init = secrets.token_hex(8), b"", False, None
        self.paths = [os.path.dirname(bwrap.package_dir("init_utils"))]
        self.observation = bwrap.OBSERVATION if chosen.isolated else bwrap.observation_file()
        self.cgroup = cgroups.create(total_memory, PROCESS_LIMIT, CPU_QUOTA)  # one for everything the session starts
        self.uid = claim_uid() if chosen.mode in ("bwrap", "bwrap-root") else None
        self.scratch = None if chosen.isolated else _host_scratch()
        try:
            self._start()
        except BaseException:
            self._release()
            raise

    def allow(self, seconds):
        """Give the next requests ``seconds`` from now; a time-out names that limit."""
        self.timeout, self.deadline = seconds, time.monotonic() + seconds

    def _start(self):
        # without a cgroup: fewer processes and less memory each, so that they and the scratch fit one budget
        processes, memory = (PROCESS_LIMIT, MEMORY_LIMIT) if self.cgroup else (FALLBACK_PROCESS_LIMIT, FALLBACK_MEMORY_LIMIT)
        command, info, passed = [bwrap.interpreter(), "-I", "-X", "utf8"], None, []
        if self.isolation.isolated:
            info, info_write = os.pipe()
            filter_fd = seccomp.pipe()
            passed = [fd for fd in (info_write, filter_fd) if fd is not None]
            command = bwrap.command(self.isolation.mode, self.uid, info_write, filter_fd) + command + ["/grader/child.py"]
            command += ["--uid", str(self.uid)] if self.isolation.mode == "bwrap-root" else []
            # RLIMIT_NPROC counts every process of the user the sandbox runs as (bwrap and its init included)
            nproc = count_processes(os.getuid() if self.uid is None else self.uid) + processes + 3
        else:
            command += [str(bwrap.CHILD)]
            nproc = processes if os.geteuid() == 0 else count_processes(os.getuid()) + processes
        left = max(self.deadline - time.monotonic(), 0.1)
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=self.scratch or "/", env=_environment(self.token, self.scratch or "/scratch"),
                start_new_session=True, pass_fds=passed,
                preexec_fn=_limits(int(left) + 2, memory, nproc, self.cgroup.join_files() if self.cgroup else ()))
        except BaseException:
            if info is not None:
                os.close(info)
            raise
        finally:
            for fd in passed:
                os.close(fd)
        os.set_blocking(self.process.stdin.fileno(), False)
        if info is not None:
            self.init = self._namespace_init(info)

    def _namespace_init(self, info):
        """Return a pidfd of the sandbox's init (bwrap writes its PID to ``info``), checked to be bwrap's child, or None."""
        data = b""
        try:
            while b"}" not in data and len(data) < 4096:
                self._wait(info, selectors.EVENT_READ, "the sandbox's start")
                chunk = os.read(info, 4096)
                if not chunk:
                    break
                data += chunk
            pid = json.loads(data).get("child-pid")
            if type(pid) is not int or pid <= 1:
                return None
            with open(f"/proc/{pid}/stat", "rb") as handle:
                descriptor = os.pidfd_open(pid)
                if int(handle.read().rsplit(b")", 1)[1].split()[1]) == self.process.pid:  # its parent
                    return descriptor
            os.close(descriptor)
        except (SessionBroken, ValueError, AttributeError, IndexError, OSError):
            pass
        finally:
            os.close(info)
        return None

    def request(self, message, running):
        """Send ``message``; return the reply (an error reply ends the session); raise SessionBroken if the child fails."""
        if self.ended:
            raise SessionBroken(f"the session had ended before {running}")
        data = (json.dumps(message) + "\n").encode("ascii")
        while data:
            self._wait(self.process.stdin.fileno(), selectors.EVENT_WRITE, running)
            try:
                data = data[os.write(self.process.stdin.fileno(), data):]
            except OSError:
                raise SessionBroken(self._exit_reason(running)) from None
        try:
            reply = parse_reply(self._read_line(running))
        except ProtocolError as error:
            raise SessionBroken(f"the grading channel received {error} while running {running}") from None
        self.ended = "error" in reply
        return reply

    def _read_line(self, running):
        """Return the next line from the child, holding at most MAX_REPLY_BYTES plus one read in memory."""
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_REPLY_BYTES:
                raise SessionBroken(f"the grading channel received more than {MAX_REPLY_BYTES // 1024} KB without "
                                    f"a line break while running {running}")
            self._wait(self.process.stdout.fileno(), selectors.EVENT_READ, running)
            chunk = os.read(self.process.stdout.fileno(), 64 * 1024)
            if not chunk:
                raise SessionBroken(self._exit_reason(running))
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        if len(line) > MAX_REPLY_BYTES:
            raise SessionBroken(f"a reply on the grading channel was over {MAX_REPLY_BYTES // 1024} KB while running "
                                f"{running}")
        return line

    def _wait(self, fd, event, running):
        left = self.deadline - time.monotonic()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, event)
            ready = left > 0 and selector.select(timeout=left)
        if not ready:
            kills = self.cgroup.oom_kills() if self.cgroup else 0
            note = (f" (the memory cap, {self.total_memory / 2 ** 30:g} GiB for all its processes together, killed "
                    f"{kills} of them)") if kills else ""
            raise SessionBroken(f"timed out after {self.timeout:g} s in {running}{note}")

    def _exit_reason(self, running):
        try:
            code = self.process.wait(timeout=max(0.0, min(2.0, self.deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            code = None
        if self.cgroup and self.cgroup.oom_kills():
            return (f"ran out of memory (all its processes together may use {self.total_memory / 2 ** 30:g} GiB) "
                    f"in {running}")
        return f"{describe_exit(code)} in {running}"

    def close(self):
        """Kill the child and everything it started; free what the session held."""
        # Killing the namespace's init makes the kernel kill every process in it; bwrap exits only once all are gone.
        if self.init is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                signal.pidfd_send_signal(self.init, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the child leads its group: it is in it
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if not self.isolation.isolated:
            kill_marked(self.token)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._release()

    def _release(self):
        """Free what the session held besides its processes: pidfd, cgroup (and what is left in it), uid, scratch."""
        if self.init is not None:
            os.close(self.init)
            self.init = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        with _UID_LOCK:
            _UIDS_IN_USE.discard(self.uid)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
