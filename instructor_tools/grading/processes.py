"""Host processes, as the sandbox needs them: count a user's, clean up after dead ones, name an exit."""
import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
import time

MARKER = ".made-by-initlab-grader"  # in every folder owned_folder makes: the sweep removes no folder without it
SIGNALS = {"SIGSEGV": "crashed (segmentation fault)", "SIGXCPU": "ran out of CPU time", "SIGXFSZ": "wrote too large a file",
           "SIGKILL": "was killed (out of memory or time)", "SIGABRT": "aborted"}


def _pids():
    return [int(entry) for entry in (os.listdir("/proc") if os.path.isdir("/proc") else []) if entry.isdigit()]


def count_processes(uid):
    """Count the processes of user ``uid``: RLIMIT_NPROC counts them all, not only one child's."""
    count = 0
    for pid in _pids():
        with contextlib.suppress(OSError):
            count += os.stat(f"/proc/{pid}").st_uid == uid
    return count


def kill_marked(token):
    """Without a PID namespace, kill what is left of the child's processes, found by their environment (best effort)."""
    for pid in _pids():
        with contextlib.suppress(OSError), open(f"/proc/{pid}/environ", "rb") as handle:
            if f"GRADER_SANDBOX={token}".encode() in handle.read().split(b"\0"):
                os.kill(pid, signal.SIGKILL)


def owned_folder(prefix):
    """Make a temporary folder named after this process, marked as the grader's; first remove ``prefix``'s stale ones."""
    # A grader killed with SIGKILL (the OOM killer, a lost Dask worker, a test) cannot remove its own folders.
    for name in os.listdir(tempfile.gettempdir()):
        path = os.path.join(tempfile.gettempdir(), name)
        with contextlib.suppress(OSError):
            if _stale(path, prefix):
                shutil.rmtree(path, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-")
    try:
        with open(os.path.join(folder, MARKER), "x") as handle:
            handle.write(f"made by the grader, process {os.getpid()}; a later grader removes it once that one is gone\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _stale(path, prefix):
    """Say whether ``path`` is a folder owned_folder(prefix) made for this user, its process gone, untouched an hour."""
    # Only mkdtemp's shape (a PID has at most 7 digits), with the marker, both this user's: never a look-alike
    # such as an instructor's "grade-2024-fall". An hour's age guards a live grader in another PID namespace.
    found = re.fullmatch(re.escape(prefix) + r"([1-9][0-9]{0,6})-[a-z0-9_]{8}", os.path.basename(path))
    if not found or alive(int(found[1])):
        return False
    folder, marker = os.lstat(path), os.lstat(os.path.join(path, MARKER))
    return (stat.S_ISDIR(folder.st_mode) and stat.S_ISREG(marker.st_mode) and folder.st_uid == marker.st_uid == os.geteuid()
            and time.time() - folder.st_mtime > 3600)


def alive(pid):
    """Say whether process ``pid`` runs (another user's included); on Windows, always yes."""
    if os.name == "nt":  # os.kill(pid, 0) would end the process there (TerminateProcess), so nothing is swept
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def describe_exit(code):
    """Say in words why the child ended with return code ``code``."""
    if code is None:
        return "stopped answering"
    if code > 128:
        with contextlib.suppress(ValueError):  # a shell's way to say a signal killed it
            code = -signal.Signals(code - 128)
    if code >= 0:
        return f"the interpreter exited (exit code {code}) before finishing, e.g. through os._exit()"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return SIGNALS.get(name, f"was killed by {name}")
