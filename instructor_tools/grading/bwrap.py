"""The bubblewrap command line of a sandbox: what it shows of the host, read-only, and its one writable place.

The sandbox's root is an empty tmpfs that bwrap fills with read-only binds of Python, the venv,
the init_utils package, child.py and public_tests/observation.py, then remounts read-only; /dev is a
minimal device tree, also remounted read-only (so /dev/shm is not writable). The only writable
place is /scratch, a tmpfs of limits.SCRATCH_BYTES.

As root ("bwrap" mode), the command continues inside the sandbox with setpriv, which becomes the
session's own user id, and a second bwrap, which makes a user namespace (learner code sees user
65534) that can make no other, a nested PID namespace and a fresh read-only /dev. /proc is the one
the first bwrap mounted (a user namespace may not mount another over it): it lists the sandbox's
own processes, and /proc/1/cmdline is the first bwrap's command line, whose host paths are those
of the read-only binds, which /proc/self/mountinfo names too.
"""
import atexit
import contextlib
import glob
import importlib.util
import os
import pathlib
import shutil
import sys
import tempfile
import threading

from .limits import SANDBOX_NOBODY, SCRATCH_BYTES

CHILD = pathlib.Path(__file__).with_name("child.py")
OBSERVATION = "/grader/observation.py"  # where public_tests/observation.py is inside the sandbox
NOBODY = str(SANDBOX_NOBODY)
_FONTS = {}
_CHOOSING_FONTS = threading.Lock()


def package_dir(name):
    """Return the folder of the importable package ``name``; raise RuntimeError if there is none."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not importable: install the project (pip install -e .)")
    return os.path.realpath(list(spec.submodule_search_locations)[0])


def observation_file():
    """Return the host path of public_tests/observation.py, the observation the self-check and the child share."""
    return os.path.join(package_dir("public_tests"), "observation.py")


def font_cache():
    """Return a copy of matplotlib's font list cache that any user can read, so the sandbox need not
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


def read_only_trees():
    """Return the host directories the child needs, without duplicates or nesting."""
    trees = {"/usr", package_dir("init_utils")}
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                   os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))):
        trees.update((os.path.realpath(prefix), os.path.abspath(prefix)))
    kept = []
    for tree in sorted(trees, key=len):
        if os.path.isdir(tree) and not any(tree == k or tree.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(tree)
    return kept


def _system_binds():
    command = []
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = "/" + top
        if os.path.islink(host):
            command += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            command += ["--ro-bind", host, host]
    made = {"/usr"}
    for tree in read_only_trees():
        parts = pathlib.PurePosixPath(tree).parts
        for depth in range(2, len(parts)):
            parent = str(pathlib.PurePosixPath(*parts[:depth]))
            if parent not in made:
                command += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        command += ["--ro-bind", tree, tree]
    if os.path.exists("/etc/ld.so.cache"):
        command += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return command


def command(mode, uid=None, info_fd=None, seccomp_fd=None):
    """Return the bwrap command (ending in "--") for ``mode``; ``uid``: the session's own user id (bwrap mode)."""
    out = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session"]
    out += ["--info-fd", str(info_fd)] if info_fd is not None else []
    out += ["--seccomp", str(seccomp_fd)] if seccomp_fd is not None else []
    if mode == "bwrap-user":  # learner code cannot make user namespaces (nor mount in them)
        out += ["--unshare-user", "--uid", NOBODY, "--gid", NOBODY, "--disable-userns"]
    out += _system_binds()
    out += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--perms", "0755", "--dir", "/grader", "--ro-bind", str(CHILD), "/grader/child.py",
            "--ro-bind", observation_file(), OBSERVATION,
            "--perms", "0755", "--dir", "/tmp",
            "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/scratch",
            "--perms", "1777", "--dir", "/scratch/mpl", "--perms", "1777", "--dir", "/scratch/tmp",
            "--chdir", "/scratch"]
    fonts = font_cache()
    if fonts:
        out += ["--ro-bind", fonts, "/scratch/mpl/" + os.path.basename(fonts)]
    out += ["--remount-ro", "/"]
    if mode != "bwrap":
        return out + ["--"]
    # become the session's user, then a user namespace that can make no other (nor mount in one)
    uid = str(uid if uid is not None else SANDBOX_NOBODY)
    return out + ["--", shutil.which("setpriv") or "setpriv", "--reuid", uid, "--regid", uid, "--clear-groups", "--",
                  shutil.which("bwrap") or "bwrap", "--unshare-user", "--uid", NOBODY, "--gid", NOBODY,
                  "--disable-userns", "--unshare-pid", "--die-with-parent", "--bind", "/", "/",
                  "--dev", "/dev", "--remount-ro", "/dev", "--chdir", "/scratch", "--"]
