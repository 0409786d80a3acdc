"""Host processes: the folders a grader killed with SIGKILL leaves behind are removed by the next grader, and only those."""
import os
import subprocess
import sys
import tempfile
import time

import pytest

from instructor_tools.grading.processes import MARKER, owned_folder

HOUR_AGO = time.time() - 3700


def dead_graders_folders(tmp_path, count=1):
    """Return the folders a grader process that is now gone made with owned_folder("grade-") in ``tmp_path``."""
    code = ("from instructor_tools.grading.processes import owned_folder\n"
            f"for _ in range({count}):\n    print(owned_folder('grade-'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, TMPDIR=str(tmp_path)))
    return done.stdout.split()


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def make_old(*folders):
    for folder in folders:
        os.utime(folder, (HOUR_AGO, HOUR_AGO))


def left(tmp_path):
    return sorted(path.name for path in tmp_path.iterdir())


def test_a_dead_graders_old_folders_are_removed_and_nothing_else(tmp_path, monkeypatch):
    old, fresh = dead_graders_folders(tmp_path, count=2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    live = owned_folder("grade-")  # this grader's own, old: kept while it runs
    others = [tmp_path / name for name in ["grade-submission-x", "grade-abc", f"other-{dead_pid()}-abcd1234"]]
    for folder in others:
        folder.mkdir()
        (folder / MARKER).write_text("")
    make_old(old, live, *others)
    kept = left(tmp_path)
    made = owned_folder("grade-")
    assert os.path.basename(made).startswith(f"grade-{os.getpid()}-") and os.path.isfile(os.path.join(made, MARKER))
    assert left(tmp_path) == sorted(set(kept) - {os.path.basename(old)} | {os.path.basename(made)})
    assert os.path.isdir(fresh)


def test_an_instructors_folder_that_looks_like_a_graders_survives_the_sweep(tmp_path, monkeypatch):
    # ADVERSARY3 A2: "grade-2024-fall", two hours old, with notebooks and a gradebook, was deleted by --isolation off.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = dead_pid()
    alike = {f"grade-{dead}-fall": [], f"grade-{dead}-abcd1234": [],  # mkdtemp's shape, but no marker
             f"grade-{dead}-abcd12345": [MARKER], f"grade-{dead}-ABCD1234": [MARKER]}  # a marker, not mkdtemp's shape
    for name, extra in alike.items():
        folder = tmp_path / name
        folder.mkdir()
        for file in ["alice.ipynb", "grades-final.csv", *extra]:
            (folder / file).write_text("alice,3\n")
        make_old(folder)
    owned_folder("grade-")
    assert all((tmp_path / name / "grades-final.csv").read_text() == "alice,3\n" for name in alike)


def test_a_symlink_named_like_a_graders_folder_is_not_followed(tmp_path, monkeypatch):
    target = tmp_path / "work"
    target.mkdir()
    (target / MARKER).write_text("")
    (target / "alice.ipynb").write_text("{}")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    link = tmp_path / f"grade-{dead_pid()}-abcd1234"
    link.symlink_to(target)
    os.utime(link, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)
    owned_folder("grade-")
    assert link.is_symlink() and (target / "alice.ipynb").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a folder that another user owns")
def test_another_users_stale_looking_folder_survives_the_sweep(tmp_path, monkeypatch):
    (stale,) = dead_graders_folders(tmp_path)
    for path in (stale, os.path.join(stale, MARKER)):
        os.chown(path, 65534, 65534)
    make_old(stale)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    owned_folder("grade-")
    assert os.path.isfile(os.path.join(stale, MARKER))


def test_a_folder_named_with_a_number_too_large_for_a_pid_does_not_crash_the_grader(tmp_path, monkeypatch):
    # Any user could make one in the shared /tmp: os.kill raised OverflowError, and every unisolated grading failed.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    huge = tmp_path / ("grade-" + "9" * 30 + "-abcd1234")
    huge.mkdir()
    make_old(huge)
    assert os.path.isdir(owned_folder("grade-")) and huge.is_dir()


def test_on_windows_asking_whether_a_grader_is_alive_never_signals_its_pid(monkeypatch):
    # There os.kill(pid, 0) ends the process: a cluster worker's sweep would have killed whatever now holds that PID.
    from instructor_tools.grading import processes

    pid, signalled = dead_pid(), []
    with monkeypatch.context() as patched:  # undone before asserting: pytest's own report reads os.name
        patched.setattr(processes.os, "name", "nt")
        patched.setattr(processes.os, "kill", lambda pid, sig: signalled.append(pid))
        said = processes.alive(pid)
    assert said and signalled == [], signalled
