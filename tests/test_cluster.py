"""Scenarios for grading on a Dask cluster: the same rows as a local batch, lost workers, resume, Dask missing.

One LocalCluster of two one-thread worker processes serves the whole module.
"""
import copy
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from notebook_tools import STUDENT, answer_lines, cell_by_id, fill_answers, load, text
from instructor_tools.grading.cli import main
from instructor_tools.grading import cluster, load_template
from instructor_tools.grading.batch import grade_folder
from instructor_tools.notebook_files import read_notebook

pytest.importorskip("distributed", reason="the cluster extra is not installed: pip install -e '.[cluster]'")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = load_template(read_notebook(STUDENT))
ZEROS, RANDOM, HE = TEMPLATE.graded
ANSWERED = fill_answers(load(STUDENT))
TIMEOUT = 30


def edited(name, old, new):
    notebook = copy.deepcopy(ANSWERED)
    cell = cell_by_id(notebook, name)
    assert old in text(cell), old
    cell["source"] = text(cell).replace(old, new, 1)
    return notebook


def with_code(name, code):
    """Return the answered notebook with ``code`` run inside ``name`` just before its answer."""
    anchor = answer_lines(name)[0]
    return edited(name, anchor, "\n        ".join(code.split("\n")) + "\n        " + anchor)


def write(folder, name, content):
    path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else os.fsencode(name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = content if isinstance(content, (str, bytes)) else json.dumps(content)
    with open(path, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)


def rows(gradebook):
    with open(gradebook, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def by_file(gradebook):
    with open(gradebook, newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def local_batch(folder, gradebook, **options):
    grade_folder(folder, TEMPLATE, gradebook, jobs=2, timeout=TIMEOUT, out=io.StringIO(), **options)
    return rows(gradebook)


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    with cluster.local_cluster(2) as local, Client(local) as connected:
        yield connected


@pytest.fixture
def ready(client):
    client.wait_for_workers(2, timeout=180)  # a worker killed by an earlier test is back
    return client


@pytest.fixture
def one_worker(client):
    client.wait_for_workers(1, timeout=180)
    return client


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A class folder with every kind of submission, and the gradebook of a local batch over it."""
    root = tmp_path_factory.mktemp("mixed")
    folder = root / "class"
    write(folder, "alice.ipynb", ANSWERED)
    write(folder, "bob/Initialization.ipynb", edited(RANDOM, "* 10", "* 0.01"))  # wrong answer
    write(folder, "carol.ipynb", with_code(HE, "print(layers_dims)"))  # breaks extra-print
    write(folder, "dave.ipynb", "{broken")  # corrupt
    write(folder, "erin.ipynb", with_code(ZEROS, "import os\nos._exit(1)"))  # ends its own process
    write(folder, "frank.ipynb", with_code(HE, "import os, signal\nos.killpg(0, signal.SIGKILL)"))  # kills its group
    write(folder, b"caf\xe9.ipynb", "[1, 2")  # a non-UTF-8 name, named in its error
    write(folder, "empty.ipynb", "")
    write(folder, ".ipynb_checkpoints/alice-checkpoint.ipynb", ANSWERED)
    with open(folder / "huge.ipynb", "wb") as handle:  # over the size limit; sparse, so nothing on disk
        handle.truncate(9 * 1024 ** 2)
    os.mkfifo(folder / "pipe.ipynb")  # never opened for reading: the grader refuses it unread
    write(root, "solution.ipynb", ANSWERED)  # outside the class folder; a link in it must not be followed
    os.symlink(root / "solution.ipynb", folder / "linked.ipynb")
    expected = local_batch(folder, root / "local.csv")
    linked = by_file(root / "local.csv")["linked.ipynb"]
    assert linked["score"] == "0" and "symbolic link" in linked["error"]
    return folder, expected


@pytest.mark.parametrize("ship", ["path", "bytes"])
def test_a_local_cluster_writes_the_same_rows_as_the_local_batch(ready, mixed, tmp_path, ship):
    folder, expected = mixed
    gradebook = tmp_path / "cluster.csv"
    out = io.StringIO()
    summary = cluster.grade_folder_on_cluster(folder, TEMPLATE, gradebook, ready, ship=ship, timeout=TIMEOUT, out=out,
                                              every=0)  # a progress line after every row
    got = rows(gradebook)
    assert got[0] == expected[0] and sorted(got[1:]) == sorted(expected[1:])
    assert len(got) == 12 and summary["graded"] == 11 and summary["failed"] == {}
    assert summary["errors"] == sum(1 for row in expected[1:] if row[-1])
    found = by_file(gradebook)
    assert (found["alice.ipynb"]["score"], found["carol.ipynb"]["rules"]) == ("3", "extra-print")
    assert found["bob/Initialization.ipynb"][RANDOM] == "0" and "exit code 1" in found["erin.ipynb"]["error"]
    assert found["huge.ipynb"]["error"].startswith(f"{folder / 'huge.ipynb'} is 9.0 MB")
    assert found["caf\\xe9.ipynb"]["error"].startswith(f"{folder}/caf\\xe9.ipynb is not a notebook")
    assert "on 2 Dask worker(s)" in out.getvalue() and "dashboard: http" in out.getvalue()
    progress = re.findall(r"^\[(\d+)/(\d+)\] [\d.]+ submissions/s on \d worker\(s\), \d+ with an error", out.getvalue(), re.M)
    assert progress and {total for _, total in progress} == {"11"} and int(progress[-1][0]) >= 10
    assert "not a regular file" in found["pipe.ipynb"]["error"]


def test_resume_through_the_command_line_grades_only_the_missing_rows(ready, tmp_path, capsys):
    folder = tmp_path / "class"
    write(folder, "alice.ipynb", ANSWERED)
    write(folder, "dave.ipynb", "{broken")
    write(folder, "erin.ipynb", with_code(ZEROS, "import os\nos._exit(1)"))
    gradebook = tmp_path / "gradebook.csv"
    expected = local_batch(folder, gradebook)
    kept = [row for row in expected if row[0] != "erin.ipynb"]
    with open(gradebook, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(kept)
        handle.write("erin.ipynb,0,3,0")  # a row cut off mid-write
    arguments = [str(folder), "--csv", str(gradebook), "--resume", "--timeout", str(TIMEOUT)]
    assert main(arguments + ["--scheduler", ready.scheduler.address]) == 0  # a remote scheduler: bytes shipped
    out = capsys.readouterr().out
    assert "submissions sent as bytes" in out and "Graded 1 notebook(s) on the cluster in " in out
    assert "submissions/s" in out and "(2 already in the gradebook, skipped)" in out
    got = rows(gradebook)
    assert got[: len(kept)] == kept and sorted(got[1:]) == sorted(expected[1:])


def _ancestors(pid):
    chain = []
    while pid > 1:
        chain.append(pid)
        with open(f"/proc/{pid}/stat", "rb") as handle:
            pid = int(handle.read().rsplit(b")", 1)[1].split()[1])
    return chain


def _pids_with(marker):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def test_a_worker_killed_mid_batch_is_survived_and_every_row_is_written(ready, tmp_path):
    marker = f"slow-grading-{os.getpid()}-{time.monotonic_ns()}"
    slow = ("import os, subprocess, sys\nif not os.path.exists('slept'):\n    open('slept', 'w').close()\n"
            f"    subprocess.run([sys.executable, '-c', 'import time; time.sleep(4)', '{marker}'])")
    folder = tmp_path / "class"
    for name in ("a", "b", "c"):
        write(folder, f"{name}.ipynb", ANSWERED)
    write(folder, "wrong.ipynb", edited(HE, "np.sqrt(2 /", "np.sqrt(1 /"))
    write(folder, "slow.ipynb", with_code(ZEROS, slow))
    expected = local_batch(folder, tmp_path / "local.csv")
    workers = set(ready.run(os.getpid).values())
    killed = []

    def kill_the_worker_grading_slow():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for pid in _pids_with(marker):
                try:
                    owner = next(p for p in _ancestors(pid) if p in workers)
                except (OSError, StopIteration):
                    continue
                os.kill(owner, signal.SIGKILL)
                killed.append(owner)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_worker_grading_slow, daemon=True)
    killer.start()
    gradebook = tmp_path / "cluster.csv"
    summary = cluster.grade_folder_on_cluster(folder, TEMPLATE, gradebook, ready, timeout=TIMEOUT, out=io.StringIO(),
                                              give_up=120)
    killer.join(timeout=5)
    assert killed, "the slow submission never ran"
    got = rows(gradebook)
    assert sorted(got[1:]) == sorted(expected[1:]) and summary["failed"] == {}
    assert by_file(gradebook)["slow.ipynb"]["score"] == "3" and by_file(gradebook)["wrong.ipynb"]["score"] == "2"


def test_a_submission_that_kills_its_worker_twice_gets_a_killed_worker_row(one_worker, tmp_path):
    folder = tmp_path / "class"
    write(folder, "alice.ipynb", ANSWERED)
    write(folder, "mallory.ipynb", with_code(ZEROS, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"))
    gradebook = tmp_path / "cluster.csv"
    out = io.StringIO()
    # Unisolated, the grading child's parent is the Dask worker itself, so the answer can kill it.
    summary = cluster.grade_folder_on_cluster(folder, TEMPLATE, gradebook, one_worker, isolate="off",
                                              timeout=TIMEOUT, out=out, give_up=120)
    found = by_file(gradebook)
    assert set(found) == {"alice.ipynb", "mallory.ipynb"} and found["alice.ipynb"]["score"] == "3"
    mallory = found["mallory.ipynb"]
    assert (mallory["score"], mallory[ZEROS], mallory[HE]) == ("0", "0", "0")
    assert "the Dask worker grading it died 2 times (KilledWorker)" in mallory["error"]
    assert summary["graded"] == 2 and summary["errors"] == 1 and summary["not_isolated"] == 1
    assert "mallory.ipynb: not graded" in out.getvalue()


BLOCK_DASK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('dask', 'distributed'):
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, Block())
from instructor_tools.grading.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_dask_the_scheduler_option_says_what_to_install_and_local_batches_still_work(tmp_path):
    folder = tmp_path / "class"
    write(folder, "dave.ipynb", "{broken")
    run = [sys.executable, "-c", BLOCK_DASK, str(folder), "--csv"]
    done = subprocess.run(run + [str(tmp_path / "a.csv"), "--scheduler", "local:2"], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "needs Dask distributed" in done.stderr and "pip install -e '.[cluster]'" in done.stderr
    assert not (tmp_path / "a.csv").exists()
    done = subprocess.run(run + [str(tmp_path / "b.csv")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and by_file(tmp_path / "b.csv")["dave.ipynb"]["score"] == "0", done.stderr


def test_bad_scheduler_values_and_an_existing_gradebook_are_usage_errors(tmp_path, capsys):
    folder = tmp_path / "class"
    write(folder, "dave.ipynb", "{broken")
    existing = tmp_path / "gradebook.csv"
    existing.write_text("file,score\nx,1\n")
    new = str(tmp_path / "new.csv")
    cases = [(["--csv", new, "--scheduler", "local:0"], "from 1 to 64"),
             (["--csv", new, "--scheduler", "cluster"], "is not a scheduler"),
             (["--scheduler", "local:2"], "--csv"),
             (["--csv", str(existing), "--scheduler", "local:2"], "--resume"),
             (["--csv", new, "--scheduler", str(tmp_path / "gone.json")], "gone.json does not exist")]
    for arguments, message in cases:
        with pytest.raises(SystemExit) as stopped:
            main([str(folder)] + arguments)
        assert stopped.value.code == 2 and message in capsys.readouterr().err, arguments
    assert not os.path.exists(new) and existing.read_text() == "file,score\nx,1\n"


def test_bytes_shipping_sends_only_what_the_grader_would_read(tmp_path):
    small, big, hole = tmp_path / "small.ipynb", tmp_path / "big.ipynb", tmp_path / "folder.ipynb"
    small.write_bytes(b"{}")
    with open(big, "wb") as handle:
        handle.truncate(8 * 1024 ** 2 + 1)
    hole.mkdir()
    assert cluster.shipped(small, "bytes") == b"{}"
    assert cluster.shipped(big, "bytes") is None and cluster.shipped(hole, "bytes") is None
    assert cluster.shipped(tmp_path / "missing.ipynb", "bytes") is None
    assert cluster.shipped(small, "path") == str(small)
