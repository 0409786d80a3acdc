"""One sandboxed session: start the child that runs one graded function's cells, talk to it, kill all it started.

Where the child runs and what it sees: isolation.py (the modes) and bwrap.py (the file system).
Resource limits in every mode: CPU time, address space, file size, open files and processes
(RLIMIT_NPROC), plus a cgroup for memory, processes and CPU where one can be made. The parent
trusts nothing the child says: a reply is one line of at most limits.MAX_REPLY_BYTES, read as
strict JSON and checked field by field (protocol.py); after an error reply the session is over.
"""
import contextlib
import json
import os
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

from . import bwrap, cgroups, seccomp
from .isolation import Isolation, isolation  # noqa: F401 (the sandbox's public names)
from .limits import (CPU_QUOTA, FALLBACK_MEMORY_LIMIT, FALLBACK_PROCESS_LIMIT, FILE_SIZE_LIMIT, MAX_REPLY_BYTES,
                     MEMORY_LIMIT, OPEN_FILES, PROCESS_LIMIT, SANDBOX_UIDS, SUBMISSION_MEMORY_LIMIT)
from .processes import count_processes, describe_exit, kill_marked  # noqa: F401
from .protocol import ProtocolError, parse_reply

READ_CHUNK = 64 * 1024
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


def _limits(cpu_seconds, memory_limit, processes, join=()):
    wanted = [("RLIMIT_CPU", cpu_seconds, cpu_seconds + 1), ("RLIMIT_AS", memory_limit, memory_limit),
              ("RLIMIT_FSIZE", FILE_SIZE_LIMIT, FILE_SIZE_LIMIT), ("RLIMIT_CORE", 0, 0),
              ("RLIMIT_NOFILE", OPEN_FILES, OPEN_FILES), ("RLIMIT_NPROC", processes, processes)]
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


def _environment(token, scratch):
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            "GRADER_SANDBOX": token, "HOME": scratch, "TMPDIR": scratch + "/tmp", "MPLCONFIGDIR": scratch + "/mpl",
            "NUMBA_CACHE_DIR": scratch + "/tmp", "IPYTHONDIR": scratch + "/tmp/ipython"}


def _host_scratch():
    """Make the scratch folder of an unisolated child (with matplotlib's font cache, as in the sandbox)."""
    scratch = tempfile.mkdtemp(prefix="grade-")
    os.makedirs(os.path.join(scratch, "mpl"))
    os.makedirs(os.path.join(scratch, "tmp"))
    fonts = bwrap.font_cache()
    if fonts:
        shutil.copy(fonts, os.path.join(scratch, "mpl", os.path.basename(fonts)))
    return scratch


class Session:
    """One child process that runs one graded function's cells; ``request`` sends a message and returns the reply."""

    def __init__(self, chosen, deadline, timeout, memory_limit=None, total_memory=SUBMISSION_MEMORY_LIMIT):
        if resource is None:
            raise RuntimeError("grading runs learner code only on Linux or macOS; on Windows, use WSL")
        self.deadline, self.timeout, self.isolation, self.total_memory = deadline, timeout, chosen, total_memory
        self.token, self.buffer, self.ended, self.init = secrets.token_hex(8), b"", False, None
        self.paths = [os.path.dirname(bwrap.package_dir("init_utils"))]
        self.observation = bwrap.OBSERVATION if chosen.isolated else bwrap.observation_file()
        self.selector = selectors.DefaultSelector()
        # One cgroup for everything the session starts: memory, processes and CPU counted together.
        self.cgroup = cgroups.create(total_memory, PROCESS_LIMIT, CPU_QUOTA)
        if self.cgroup is not None:
            processes, per_process = PROCESS_LIMIT, memory_limit or MEMORY_LIMIT
        else:  # no cgroup: fewer processes and less memory each, so that they and the scratch fit one budget
            processes, per_process = FALLBACK_PROCESS_LIMIT, memory_limit or FALLBACK_MEMORY_LIMIT
        self.uid = claim_uid() if chosen.mode in ("bwrap", "bwrap-root") else None
        self.scratch = None if chosen.isolated else _host_scratch()
        try:
            self._start(processes, per_process)
        except BaseException:
            self._release()
            raise

    def _start(self, processes, per_process):
        chosen, child = self.isolation, [sys.executable, "-I", "-X", "utf8"]
        info_read, info_write = os.pipe() if chosen.isolated else (None, None)
        filter_fd = seccomp.pipe() if chosen.isolated else None
        if chosen.isolated:
            command = bwrap.command(chosen.mode, self.uid, info_write, filter_fd) + child + ["/grader/child.py"]
            command += ["--uid", str(self.uid)] if chosen.mode == "bwrap-root" else []
            # RLIMIT_NPROC counts every process of the user the sandbox runs as (bwrap and its init included)
            runs_as = self.uid if self.uid is not None else os.getuid()
            nproc = count_processes(runs_as) + processes + 3
        else:
            command = child + [str(bwrap.CHILD)]
            nproc = count_processes(os.getuid()) + processes if os.geteuid() != 0 else processes
        left = max(self.deadline - time.monotonic(), 0.1)
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=self.scratch or "/", env=_environment(self.token, self.scratch or "/scratch"),
                start_new_session=True, pass_fds=[fd for fd in (info_write, filter_fd) if fd is not None],
                preexec_fn=_limits(int(left) + 2, per_process, nproc,
                                   join=self.cgroup.join_files() if self.cgroup else ()))
        except BaseException:
            if info_read is not None:
                os.close(info_read)
            raise
        finally:
            for fd in (info_write, filter_fd):
                if fd is not None:
                    os.close(fd)
        os.set_blocking(self.process.stdin.fileno(), False)
        if info_read is not None:
            self.init = self._namespace_init(info_read)

    def _namespace_init(self, info):
        """Return a pidfd of the sandbox's PID-namespace init, whose host PID bwrap tells on ``info``, or None.

        Killing that init empties the namespace. The pidfd is checked to be bwrap's own child, so a
        PID reused by another process is never signalled.
        """
        data = b""
        try:
            while b"}" not in data and len(data) < 4096:
                self._wait(info, selectors.EVENT_READ, "the sandbox's start")
                chunk = os.read(info, 4096)
                if not chunk:
                    break
                data += chunk
        except SessionBroken:
            return None
        finally:
            os.close(info)
        with contextlib.suppress(ValueError, UnicodeDecodeError, AttributeError, OSError):
            pid = json.loads(data.decode()).get("child-pid")
            if isinstance(pid, int) and pid > 1:
                descriptor = os.pidfd_open(pid)
                with open(f"/proc/{pid}/stat", "rb") as handle:
                    parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
                if parent == self.process.pid:
                    return descriptor
                os.close(descriptor)
        return None

    def request(self, message, running):
        """Send ``message``; return the reply dict. Raise SessionBroken when the child fails ``running`` (a name).

        An {"error": ...} reply is returned, and ends the session: the child stops, and so does this.
        """
        if self.ended:
            raise SessionBroken(f"the session had ended before {running}")
        data = (json.dumps(message) + "\n").encode("ascii")
        fd_in = self.process.stdin.fileno()
        while data:
            self._wait(fd_in, selectors.EVENT_WRITE, running)
            try:
                written = os.write(fd_in, data)
            except OSError:
                raise SessionBroken(self._exit_reason(running)) from None
            data = data[written:]
        try:
            reply = parse_reply(self._read_line(running))
        except ProtocolError as error:
            raise SessionBroken(f"the grading channel received {error} while running {running}") from None
        if "error" in reply:
            self.ended = True
        return reply

    def _read_line(self, running):
        """Return the next line from the child, holding at most MAX_REPLY_BYTES plus one read in memory."""
        fd_out = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_REPLY_BYTES:
                raise SessionBroken(f"the grading channel received more than {MAX_REPLY_BYTES // 1024} KB without "
                                    f"a line break while running {running}")
            self._wait(fd_out, selectors.EVENT_READ, running)
            chunk = os.read(fd_out, READ_CHUNK)
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
        ready = []
        if left > 0:
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

    def close(self):
        """Kill the child and everything it started; remove the scratch directory.

        With bubblewrap, the namespace's init is killed first, through its pidfd: the kernel then
        kills every process in the namespace, and bwrap exits only once they are all gone, so when
        this returns nothing the session started is left.
        """
        if self.init is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                signal.pidfd_send_signal(self.init, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        if not self.isolation.isolated:
            kill_marked(self.token)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._release()

    def _release(self):
        """Free what the session held besides its processes: pidfd, cgroup, user id, scratch, selector."""
        if self.init is not None:
            os.close(self.init)
            self.init = None
        if self.cgroup is not None:  # whatever is left in the session's cgroup, then the group itself
            self.cgroup.remove()
            self.cgroup = None
        with _UID_LOCK:
            _UIDS_IN_USE.discard(self.uid)
        self.selector.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
