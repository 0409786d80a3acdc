"""Stale groups: only the empty groups a dead grader made are removed, whatever else the cgroup folder holds."""
import os

from instructor_tools.grading import cgroups


def test_only_groups_shaped_as_a_grader_makes_them_are_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "alive", lambda pid: pid == os.getpid())  # every other grader is gone
    dead = "grader-4194303-0123abcd"
    kept = ["grader-99999999999999999999-0123abcd",  # no PID is that long (os.kill would raise OverflowError)
            "grader-4194303-course",  # another tool's group with a grader-like name
            f"grader-{os.getpid()}-0123abcd"]  # a live grader
    for name in [dead, *kept]:
        (tmp_path / name).mkdir()
    cgroups._sweep({"memory": str(tmp_path)})
    assert sorted(os.listdir(tmp_path)) == sorted(kept)
