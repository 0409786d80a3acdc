"""Scenarios for grading on a Dask cluster: the same rows as a local batch, lost workers, innocent submissions
regraded alone, resume, fail-closed isolation, Dask missing.

One LocalCluster of two one-thread worker processes serves the module; the killer test has its own.
"""
import contextlib
import csv
import dataclasses
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

from fixtures.grading.builders import BATCH_FLAGS, BATCH_ISOLATION, edited, pids_with, wait_for, with_code
from fixtures.grading.builders import gradebook_rows as by_file
from notebook_tools import STUDENT, fill_answers, load
from instructor_tools.grading.cli import main
from instructor_tools.grading import cluster, load_template
from instructor_tools.grading.batch import grade_folder
from instructor_tools.notebook_files import read_notebook

pytest.importorskip("distributed", reason="the cluster extra is not installed: pip install -e '.[cluster]'")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = load_template(read_notebook(STUDENT))
ZEROS, RANDOM, HE = TEMPLATE.graded
ANSWERED = fill_answers(load(STUDENT))
TIMEOUT = 120  # never reached by the submissions here, however busy the machine


def write(folder, name, content):
    path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else os.fsencode(name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = content if isinstance(content, (str, bytes)) else json.dumps(content)
    with open(path, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)


def rows(gradebook):
    with open(gradebook, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def local_batch(folder, gradebook, **options):
    options.setdefault("isolate", BATCH_ISOLATION)
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
                                              every=0, isolate=BATCH_ISOLATION)  # a progress line after every row
    got = rows(gradebook)
    assert got[0] == expected[0] and sorted(got[1:]) == sorted(expected[1:])
    assert len(by_file(gradebook)) == 11 and summary["graded"] == 11 and summary["failed"] == {}
    assert summary["errors"] == sum(1 for row in expected[1:] if row[0] and row[-2])
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
    arguments = [str(folder), "--csv", str(gradebook), "--resume", "--timeout", str(TIMEOUT)] + BATCH_FLAGS
    assert main(arguments + ["--scheduler", ready.scheduler.address]) == 0  # a remote scheduler: bytes shipped
    out = capsys.readouterr().out
    assert "submissions sent as bytes" in out and "Graded 1 notebook(s) on the cluster in " in out
    assert "submissions/s" in out and "(2 already in the gradebook, skipped)" in out
    got = rows(gradebook)
    graded = sorted(row for row in got[1:] if row[0])  # a run with --isolation off adds a NOT ISOLATED marker row
    assert got[: len(kept)] == kept and graded == sorted(row for row in expected[1:] if row[0])


def test_an_import_cell_that_fails_on_a_worker_gives_no_row_and_resume_grades_it(ready, tmp_path):
    folder, gradebook = tmp_path / "class", tmp_path / "cluster.csv"
    write(folder, "alice.ipynb", ANSWERED)
    broken = dataclasses.replace(TEMPLATE, import_source="raise ImportError('matplotlib is missing')")
    summary = cluster.grade_folder_on_cluster(folder, broken, gradebook, ready, isolate=BATCH_ISOLATION, timeout=TIMEOUT,
                                              out=io.StringIO())
    assert list(summary["failed"]) == ["alice.ipynb"] and by_file(gradebook) == {}
    assert summary["failed"]["alice.ipynb"].startswith("grader error: the template's import cell failed in the sandbox")
    summary = cluster.grade_folder_on_cluster(folder, TEMPLATE, gradebook, ready, resume=True, isolate=BATCH_ISOLATION,
                                              timeout=TIMEOUT, out=io.StringIO())
    assert summary["failed"] == {} and by_file(gradebook)["alice.ipynb"]["score"] == "3"


def _ancestors(pid):
    chain = []
    while pid > 1:
        chain.append(pid)
        with open(f"/proc/{pid}/stat", "rb") as handle:
            pid = int(handle.read().rsplit(b")", 1)[1].split()[1])
    return chain


def test_a_worker_killed_mid_batch_is_survived_and_every_row_is_written(ready, tmp_path):
    go_on = tmp_path / "go-on"
    marker = f"slow-grading-{os.getpid()}-{time.monotonic_ns()}"
    slow = (f"import os, subprocess, sys\nif not os.path.exists({str(go_on)!r}):\n"
            f"    subprocess.run([sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'])")
    folder = tmp_path / "class"
    for name in ("a", "b", "c"):
        write(folder, f"{name}.ipynb", ANSWERED)
    write(folder, "wrong.ipynb", edited(HE, "np.sqrt(2 /", "np.sqrt(1 /"))
    write(folder, "slow.ipynb", with_code(ZEROS, slow))  # unisolated, so it sees go_on
    workers = set(ready.run(os.getpid).values())
    killed = []

    def kill_the_worker_grading_slow():  # slow.ipynb waits for go_on: there is no race to win
        sleepers = wait_for(lambda: pids_with(marker), within=120)
        owner = next(p for p in _ancestors(sleepers[0]) if p in workers)
        go_on.touch()
        os.kill(owner, signal.SIGKILL)
        killed.append(owner)
        for pid in sleepers:
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_worker_grading_slow, daemon=True)
    killer.start()
    gradebook = tmp_path / "cluster.csv"
    summary = cluster.grade_folder_on_cluster(folder, TEMPLATE, gradebook, ready, isolate="off", timeout=TIMEOUT,
                                              out=io.StringIO(), give_up=120)
    killer.join()
    assert killed, "the slow submission never ran"
    expected = local_batch(folder, tmp_path / "local.csv", isolate="off")
    got = rows(gradebook)
    assert sorted(got[1:]) == sorted(expected[1:]) and summary["failed"] == {} and summary["suspects"] == []
    assert by_file(gradebook)["slow.ipynb"]["score"] == "3" and by_file(gradebook)["wrong.ipynb"]["score"] == "2"


def test_only_the_submission_that_kills_its_worker_alone_gets_a_killed_worker_row(tmp_path):
    """Every task depends on the task that holds the template, so Dask sends them all to the worker that holds it
    (no queuing, no work stealing, one thread per worker). Sent in one graph, a-mallory.ipynb runs first, with
    alice and bob waiting on that worker: both deaths take them too. Five workers, because a Nanny whose new
    worker dies before it has checked in gives up (a Dask race a busy machine can hit), and the four deaths must
    still leave one worker."""
    from distributed import Client

    folder = tmp_path / "class"
    write(folder, "a-mallory.ipynb", with_code(ZEROS, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"))
    write(folder, "alice.ipynb", ANSWERED)
    write(folder, "bob.ipynb", edited(RANDOM, "* 10", "* 0.01"))  # wrong, but innocent
    gradebook = tmp_path / "cluster.csv"
    out = io.StringIO()
    together = {"distributed.scheduler.worker-saturation": "inf", "distributed.scheduler.work-stealing": False}
    with cluster.local_cluster(5, **together) as five, Client(five) as client:
        # Unisolated, the grading child's parent is the Dask worker itself, so the answer can kill it.
        summary = cluster.grade_folder_on_cluster(folder, TEMPLATE, gradebook, client, isolate="off",
                                                  timeout=TIMEOUT, out=out, give_up=120)
    found = by_file(gradebook)
    assert summary["suspects"] == ["a-mallory.ipynb", "alice.ipynb", "bob.ipynb"]
    assert (found["alice.ipynb"]["score"], found["bob.ipynb"]["score"], found["bob.ipynb"][RANDOM]) == ("3", "2", "0")
    mallory = found["a-mallory.ipynb"]
    assert (mallory["score"], mallory[ZEROS], mallory[HE], mallory["isolation"]) == ("0", "0", "0", "NOT ISOLATED")
    assert "the Dask worker grading it died 2 times (KilledWorker), also with nothing else running" in mallory["error"]
    assert summary["graded"] == 3 and summary["errors"] == 1 and summary["not_isolated"] == 3
    assert "a-mallory.ipynb: not graded" in out.getvalue() and "Grading 3 submission(s) again" in out.getvalue()


def test_workers_that_cannot_isolate_are_refused_unless_isolation_off(capsys):
    from instructor_tools.grading.cluster.setup import check_workers

    class Workers:
        def run(self, function, isolate, folder):
            return {"tcp://10.0.0.7:4000": (False, "the bwrap command is not installed", None),
                    "tcp://10.0.0.8:4000": (True, "bubblewrap: ...", None)}

    with pytest.raises(cluster.ClusterError, match=r"cannot be isolated on 1 of 2 Dask worker\(s\) \(first: "
                                                   r"tcp://10.0.0.7:4000\).*add --isolation off"):
        check_workers(Workers(), "required", "class", "bytes")
    assert check_workers(Workers(), "off", "class", "bytes") == 2
    assert "WITHOUT isolation" in capsys.readouterr().err


class Unfit:
    def run(self, *arguments):
        raise ModuleNotFoundError("No module named 'instructor_tools'")


@contextlib.contextmanager
def unreachable(spec):
    raise cluster.ClusterError(f"cannot reach the Dask scheduler at {spec}")
    yield


def test_an_unreachable_scheduler_or_unfit_workers_leave_the_old_gradebook_as_it_was(tmp_path, monkeypatch, capsys):
    from instructor_tools.grading.cluster import driver

    folder, gradebook = tmp_path / "class", tmp_path / "gradebook.csv"
    write(folder, "alice.ipynb", ANSWERED)
    old = f"file,score,max_score,{ZEROS},{RANDOM},{HE},rules,error,isolation\nalice.ipynb,3,3,1,1,1,,,isolated\n"
    gradebook.write_text(old)
    for connect, reason in ((unreachable, "cannot reach the Dask scheduler"),
                            (lambda spec: contextlib.nullcontext(Unfit()), "the Dask workers cannot run the grader")):
        monkeypatch.setattr(driver, "connect", connect)
        with pytest.raises(SystemExit) as stopped:
            main([str(folder), "--csv", str(gradebook), "--overwrite", "--scheduler", "tcp://127.0.0.1:1"])
        assert stopped.value.code == 2 and reason in capsys.readouterr().err and gradebook.read_text() == old


def test_a_json_file_that_is_not_a_scheduler_file_is_named_for_what_it_is(tmp_path, capsys):
    write(tmp_path, "class/alice.ipynb", ANSWERED)
    for name, content in (("notebook.json", ANSWERED), ("list.json", "[]")):
        write(tmp_path, name, content)
        with pytest.raises(SystemExit) as stopped:
            main([str(tmp_path / "class"), "--csv", str(tmp_path / "new.csv"), "--scheduler", str(tmp_path / name)])
        error = capsys.readouterr().err
        assert stopped.value.code == 2 and f"{name} is not a Dask scheduler file: it holds no scheduler" in error
        assert "AssertionError" not in error and not (tmp_path / "new.csv").exists()


def test_cluster_progress_and_summary_lines_escape_control_characters():
    from instructor_tools.grading.cluster.progress import Progress, summary_line

    out = io.StringIO()
    Progress(1, 0, 1, out, every=0).fail("evil.ipynb", "cluster error: ValueError: \x1b]52;c;ZXZpbA==\x07\rdone")
    assert out.getvalue() == "evil.ipynb: no row (cluster error: ValueError: \\x1b]52;c;ZXZpbA==\\x07\\rdone)\n"
    line = summary_line({"graded": 1, "errors": 0, "skipped": 0, "failed": {}, "suspects": [], "seconds": 1.0},
                        "book\x1b[2J.csv")
    assert line.isprintable() and "book\\x1b[2J.csv" in line


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
    done = subprocess.run(run + [str(tmp_path / "b.csv")] + BATCH_FLAGS, capture_output=True, text=True, cwd=ROOT)
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
