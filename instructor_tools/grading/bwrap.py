"""The bubblewrap command line of a sandbox: what it shows of the host, all read-only, and /scratch, its one writable place.

As root ("bwrap" mode) it goes on inside with setpriv (the session's own user id) and a second bwrap (a user
namespace that can make no other, a nested PID namespace); /proc stays the first bwrap's. See docs/grading.md.
"""
import atexit
import functools
import glob
import importlib.util
import os
import pathlib
import shutil
import sys

from .limits import SANDBOX_NOBODY, SCRATCH_BYTES
from .processes import owned_folder

CHILD = pathlib.Path(__file__).with_name("child.py")
OBSERVATION = "/grader/observation.py"  # where public_tests/observation.py is inside the sandbox
# learner code cannot make user namespaces (nor mount anything in one)
USER_NAMESPACE = ["--unshare-user", "--uid", str(SANDBOX_NOBODY), "--gid", str(SANDBOX_NOBODY), "--disable-userns"]
READ_ONLY_DEV = ["--dev", "/dev", "--remount-ro", "/dev"]


def package_dir(name):
    """Return the folder of the importable package ``name``; raise RuntimeError if there is none."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not importable: install the project (pip install -e .)")
    return os.path.realpath(list(spec.submodule_search_locations)[0])


def interpreter():
    """Return the path of this Python as the sandbox can run it: absolute, its folders resolved, its own name kept."""
    # "../.venv/bin/python" run from notebooks/ gives ".../notebooks/../.venv/bin/python", and notebooks/ is not in
    # the sandbox. The name stays a venv's link, not its target, so that the venv's packages are found.
    folder, name = os.path.split(sys.executable)
    return os.path.join(os.path.realpath(folder), name)


def program(name):
    """Return the absolute path of command ``name`` on this process's PATH (or the bare name where there is none)."""
    # A session runs with PATH=/usr/bin:/bin and cwd /, so a bare name or a relative PATH entry (a bwrap in
    # /usr/local/bin, or in "bin") would run another program than the one the probe found, or none.
    found = shutil.which(name)
    return os.path.abspath(found) if found else name


def observation_file():
    """Return the host path of public_tests/observation.py, the observation the self-check and the child share."""
    return os.path.join(package_dir("public_tests"), "observation.py")


@functools.cache
def font_cache():
    """Return a copy of matplotlib's font list cache that any user can read, or None (rebuilding it takes 0.5 s)."""
    for folder in (os.environ.get("MPLCONFIGDIR"), os.path.expanduser("~/.cache/matplotlib"),
                   os.path.expanduser("~/.matplotlib")):
        found = sorted(glob.glob(os.path.join(folder, "fontlist-v*.json"))) if folder else []
        if found:
            try:
                copy = owned_folder("grader-fonts-")
                atexit.register(shutil.rmtree, copy, True)
                os.chmod(copy, 0o755)
                target = shutil.copyfile(found[-1], os.path.join(copy, os.path.basename(found[-1])))
                os.chmod(target, 0o644)
                return target
            except OSError:
                return None
    return None


def _system_binds():
    """Return the options that show /usr, Python, the venv and init_utils read-only, at their host paths."""
    out = []
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            out += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            out += ["--ro-bind", top, top]
    trees = {"/usr", package_dir("init_utils"), os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix):
        trees.update((os.path.realpath(prefix), os.path.abspath(prefix)))
    kept, made = [], {"/usr"}
    for tree in sorted(trees, key=len):  # no tree twice, nor inside another
        if os.path.isdir(tree) and not any(os.path.commonpath([tree, other]) == other for other in kept):
            kept.append(tree)
            parts = pathlib.PurePosixPath(tree).parts
            for parent in (str(pathlib.PurePosixPath(*parts[:depth])) for depth in range(2, len(parts))):
                if parent not in made:  # bwrap would make it 0700, closed to the sandbox's user
                    out += ["--perms", "0755", "--dir", parent]
                    made.add(parent)
            out += ["--ro-bind", tree, tree]
    if os.path.exists("/etc/ld.so.cache"):
        out += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return out


def command(mode, uid=None, info_fd=None, seccomp_fd=None):
    """Return the bwrap command (ending in "--") for ``mode``; ``uid``: the session's own user id (bwrap mode)."""
    out = [program("bwrap"), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session"]
    for option, fd in (("--info-fd", info_fd), ("--seccomp", seccomp_fd)):
        out += [option, str(fd)] if fd is not None else []
    out += (USER_NAMESPACE if mode == "bwrap-user" else []) + _system_binds()
    out += ["--proc", "/proc", *READ_ONLY_DEV, "--perms", "0755", "--dir", "/grader",
            "--ro-bind", str(CHILD), "/grader/child.py", "--ro-bind", observation_file(), OBSERVATION,
            "--perms", "0755", "--dir", "/tmp", "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/scratch",
            "--perms", "1777", "--dir", "/scratch/mpl", "--perms", "1777", "--dir", "/scratch/tmp", "--chdir", "/scratch"]
    if font_cache():
        out += ["--ro-bind", font_cache(), "/scratch/mpl/" + os.path.basename(font_cache())]
    if mode == "bwrap":  # the second bwrap, inside: the one the probe found, even where the sandbox hides its folder
        out += ["--ro-bind", program("bwrap"), "/grader/bwrap"]
    out += ["--remount-ro", "/", "--"]
    if mode != "bwrap":
        return out
    # become the session's user, then a user namespace that can make no other, with its own PID namespace
    uid = str(SANDBOX_NOBODY if uid is None else uid)
    return out + [program("setpriv"), "--reuid", uid, "--regid", uid, "--clear-groups", "--",
                  "/grader/bwrap", *USER_NAMESPACE, "--unshare-pid", "--die-with-parent",
                  "--bind", "/", "/", *READ_ONLY_DEV, "--chdir", "/scratch", "--"]
