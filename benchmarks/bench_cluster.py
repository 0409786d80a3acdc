"""Grading throughput on a Dask LocalCluster against the local batch, over the same submissions.

    python benchmarks/bench_cluster.py [--count 200] [--timeout 60]

Writes ``--count`` submissions (the student template filled with the reference answers:
70% right, 20% with a wrong He scale, 10% with a print in a graded cell) into a temporary
folder, then grades the folder twice with the command line, in this order:

    python -m public_tests.grade FOLDER --csv local.csv --jobs 2
    python -m public_tests.grade FOLDER --csv cluster.csv --scheduler local:2

and prints the throughput ratio cluster / local (target >= 0.8), end to end (cluster start
included) and for the grading alone, checks that both gradebooks hold the same rows, and
estimates how long 100,000 submissions take on N workers. The estimate's scheduler
ceiling comes from no-op tasks sent through a LocalCluster the same way, in this run.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
from common import machine  # noqa: E402
from notebook_tools import STUDENT, answer_lines, cell_by_id, fill_answers, load, text  # noqa: E402

GRADE = [sys.executable, "-m", "public_tests.grade"]
TARGET = 0.8


def write_submissions(folder, count):
    """Write ``count`` notebooks: the template answered right, wrongly (He scale), or with a print."""
    answered = fill_answers(load(STUDENT))
    he = "initialize_parameters_he"
    for i in range(count):
        notebook = json.loads(json.dumps(answered))
        cell = cell_by_id(notebook, he)
        if i % 10 in (3, 7):
            cell["source"] = text(cell).replace("np.sqrt(2 /", "np.sqrt(1 /", 1)
        elif i % 10 == 5:
            anchor = answer_lines(he)[0]
            cell["source"] = text(cell).replace(anchor, "print(layers_dims)\n        " + anchor, 1)
        with open(os.path.join(folder, f"student{i:05d}.ipynb"), "w", encoding="utf-8") as handle:
            json.dump(notebook, handle)


def run(arguments):
    """Run the grader's command line; return (wall seconds, stdout)."""
    start = time.perf_counter()
    done = subprocess.run(GRADE + arguments, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"grader failed ({done.returncode}): {' '.join(arguments)}\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return sorted(map(tuple, csv.reader(handle)))


def no_op_rate(tasks, pushed):
    """Return seconds per no-op task through a 2-worker LocalCluster, sent one by one as the grader sends them.

    pushed=False: the grader's settings (one task per worker at a time), so this is the idle gap a worker
    waits between two tasks. pushed=True: every task sent to the workers at once, so this is the serial
    cost of the client and the scheduler per task, the ceiling for any number of workers.
    """
    import logging

    import dask
    from distributed import Client, LocalCluster, as_completed

    from public_tests.grading.cluster import local_cluster

    if pushed:
        with dask.config.set({"distributed.scheduler.worker-saturation": "inf"}):
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
    else:
        cluster = local_cluster(2)
    with cluster, Client(cluster) as client:
        client.submit(abs, 0).result()
        start = time.perf_counter()
        finished = as_completed()
        for i in range(tasks):
            finished.add(client.submit(abs, -i, pure=False))
        for future in finished:
            future.result()
        return (time.perf_counter() - start) / tasks


def duration(seconds):
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--timeout", default="60")
    args = p.parse_args()
    print("Cluster grading benchmark:", machine())
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        folder = os.path.join(tmp, "class")
        os.mkdir(folder)
        write_submissions(folder, args.count)
        local_csv, cluster_csv = os.path.join(tmp, "local.csv"), os.path.join(tmp, "cluster.csv")
        local_wall, local_out = run([folder, "--csv", local_csv, "--jobs", "2", "--timeout", args.timeout])
        cluster_wall, cluster_out = run([folder, "--csv", cluster_csv, "--scheduler", "local:2",
                                         "--timeout", args.timeout])
        local_grading = float(re.search(r"Graded \d+ notebook\(s\) in ([\d.]+) s", local_out).group(1))
        cluster_grading = float(re.search(r"on the cluster in ([\d.]+) s", cluster_out).group(1))
        same = rows(local_csv) == rows(cluster_csv)
    gap, serial = no_op_rate(300, pushed=False), no_op_rate(2000, pushed=True)
    n = args.count
    end_to_end, grading = local_wall / cluster_wall, local_grading / cluster_grading
    print(f"{n} submissions, same rows in both gradebooks: {same}")
    print(f"--jobs 2:          {local_wall:6.1f} s wall ({n / local_wall:.2f}/s), grading {local_grading:.1f} s "
          f"({n / local_grading:.2f}/s)")
    print(f"--scheduler local:2: {cluster_wall:6.1f} s wall ({n / cluster_wall:.2f}/s), grading {cluster_grading:.1f} s "
          f"({n / cluster_grading:.2f}/s); the rest is starting Python, the cluster and its workers")
    for name, ratio in (("throughput cluster/local, end to end", end_to_end),
                        ("throughput cluster/local, grading only", grading)):
        print(f"{name:<42} {ratio:5.2f}x  " + ("ok" if ratio >= TARGET else f"MISSES {TARGET:g}x"))
    per_submission = cluster_grading * 2 / n  # worker-seconds per submission, one core each, gaps included
    print(f"\nNo-op tasks through a LocalCluster, sent one by one: {gap * 2 * 1000:.0f} ms idle per worker between "
          f"two tasks with the grader's settings; {serial * 1000:.2f} ms per task for the client and scheduler "
          f"when pushed, a ceiling of about {1 / serial:.0f} submissions/s whatever the number of workers.")
    print(f"Estimate for 100,000 submissions: {per_submission:.2f} worker-seconds each (measured above with 2 "
          f"workers on {os.cpu_count()} cores), on N one-core workers:")
    for workers in (2, 16, 64, 256, 1024):
        seconds = 100_000 * max(per_submission / workers, serial)
        bound = "client/scheduler-bound" if per_submission / workers < serial else "worker-bound"
        print(f"  N = {workers:>4}: about {duration(seconds):>8}  ({bound})")
    print("Assumptions: each worker is one core as fast as these, whose machine is not busier than this one was "
          "(the sandbox's numpy is single-threaded); submissions cost what these do (all three exercises run; "
          "a hanging one costs up to --timeout); the client and scheduler cost per task measured here (a loaded "
          "2-core machine, so a low ceiling); --ship bytes sends about 60 KB per submission, which a 1 Gbit/s "
          "link carries at about 2000/s; cluster start-up (seconds for local:N, the queue wait for Slurm "
          "jobs) is not counted.")


if __name__ == "__main__":
    main()
