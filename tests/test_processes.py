"""Host processes: the folders a grader killed with SIGKILL leaves behind are removed by the next grader."""
import os
import subprocess
import sys
import tempfile
import time

from instructor_tools.grading.processes import owned_folder


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_dead_graders_old_folders_are_removed_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead, hour_ago = dead_pid(), time.time() - 3700
    folders = {name: tmp_path / name for name in [f"grade-{dead}-old", f"grade-{dead}-fresh", f"grade-{os.getpid()}-live",
                                                   "grade-submission-x", "grade-abc", f"other-{dead}-old"]}
    for name, folder in folders.items():
        folder.mkdir()
        (folder / "file").write_text("left behind")
        if name != f"grade-{dead}-fresh":
            os.utime(folder, (hour_ago, hour_ago))
    made = owned_folder("grade-")
    assert os.path.basename(made).startswith(f"grade-{os.getpid()}-") and os.path.isdir(made)
    assert sorted(p.name for p in tmp_path.iterdir() if str(p) != made) == sorted(set(folders) - {f"grade-{dead}-old"})
