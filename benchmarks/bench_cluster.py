"""Grading throughput on a Dask LocalCluster against the local batch, over the same submissions.

    python benchmarks/bench_cluster.py [--count 200] [--parts 5] [--timeout 60]

Writes ``--count`` submissions (the student template filled with the reference answers:
70% right, 20% with a wrong He scale, 10% with a print in a graded cell) into a temporary
folder split in ``--parts`` parts, and grades every part twice in this process: with the
local batch (``grade_folder``, as ``--jobs 2``) and on a LocalCluster of 2 workers started
once (``grade_folder_on_cluster``, as ``--scheduler local:2``), alternating which goes first,
so that load from other jobs on the machine falls on both alike. Prints the throughput
ratio cluster / local per part and overall (target >= 0.8), with and without the cluster's
start-up, checks that both gradebooks hold the same rows, and estimates how long 100,000
submissions take on N workers, from the cost per submission measured here and the cost of
no-op tasks through a LocalCluster (measured in the same run).
"""
import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
from common import machine  # noqa: E402
from notebook_tools import STUDENT, answer_lines, cell_by_id, fill_answers, load, text  # noqa: E402

TARGET = 0.8


def write_submissions(folder, count, parts):
    """Write ``count`` notebooks into ``parts`` subfolders: answered right, wrongly (He scale), or with a print."""
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
        part = os.path.join(folder, f"part{i % parts}")
        os.makedirs(part, exist_ok=True)
        with open(os.path.join(part, f"student{i:05d}.ipynb"), "w", encoding="utf-8") as handle:
            json.dump(notebook, handle)


def rows(paths):
    found = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as handle:
            found += list(csv.reader(handle))[1:]
    return sorted(found)


def no_op_seconds(client, tasks):
    """Return seconds per no-op task sent through ``client`` as the grader sends them: in one graph, collected
    with as_completed."""
    from distributed import as_completed

    client.submit(abs, 0, pure=False).result()
    start = time.perf_counter()
    for future in as_completed(client.map(abs, [-i for i in range(tasks)], pure=False)):
        future.result()
    return (time.perf_counter() - start) / tasks


def pushed_no_op_seconds(tasks):
    """Seconds per no-op task when every task goes to the workers at once: the client and scheduler's own cost."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.worker-saturation": "inf"}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        return no_op_seconds(client, tasks)


def duration(seconds):
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--parts", type=int, default=5)
    p.add_argument("--timeout", type=float, default=60.0)
    args = p.parse_args()
    from distributed import Client

    from instructor_tools.grading import load_template
    from instructor_tools.grading.batch import grade_folder
    from instructor_tools.grading.cluster import grade_folder_on_cluster, local_cluster
    from instructor_tools.notebook_files import read_notebook

    print("Cluster grading benchmark:", machine())
    template = load_template(read_notebook(STUDENT))
    local_t, cluster_t, local_csvs, cluster_csvs = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        folder = os.path.join(tmp, "class")
        write_submissions(folder, args.count, args.parts)
        start = time.perf_counter()
        with local_cluster(2) as cluster, Client(cluster) as client:
            client.wait_for_workers(2)
            startup = time.perf_counter() - start
            for k in range(args.parts):
                part = os.path.join(folder, f"part{k}")
                local_csvs.append(os.path.join(tmp, f"local{k}.csv"))
                cluster_csvs.append(os.path.join(tmp, f"cluster{k}.csv"))

                def local():
                    began = time.perf_counter()
                    grade_folder(part, template, local_csvs[-1], jobs=2, timeout=args.timeout, out=io.StringIO())
                    local_t.append(time.perf_counter() - began)

                def on_cluster():
                    began = time.perf_counter()
                    grade_folder_on_cluster(part, template, cluster_csvs[-1], client, ship="path",
                                            timeout=args.timeout, out=io.StringIO())
                    cluster_t.append(time.perf_counter() - began)

                for run in ((local, on_cluster) if k % 2 == 0 else (on_cluster, local)):
                    run()
                n = len(os.listdir(part))
                print(f"part {k}: {n} submissions, --jobs 2 {local_t[-1]:6.1f} s, local:2 {cluster_t[-1]:6.1f} s, "
                      f"ratio {local_t[-1] / cluster_t[-1]:.2f}", flush=True)
            gap = no_op_seconds(client, 200)
        same = rows(local_csvs) == rows(cluster_csvs)
    serial = pushed_no_op_seconds(500)
    n = args.count
    local_total, cluster_total = sum(local_t), sum(cluster_t)
    ratios = sorted(a / b for a, b in zip(local_t, cluster_t))
    print(f"{n} submissions, same rows in both gradebooks: {same}")
    print(f"--jobs 2:            {local_total:6.1f} s ({n / local_total:.2f} submissions/s)")
    print(f"--scheduler local:2: {cluster_total:6.1f} s ({n / cluster_total:.2f} submissions/s), "
          f"plus {startup:.1f} s to start the cluster")
    for name, ratio in (("throughput local:2 / --jobs 2, grading", local_total / cluster_total),
                        ("throughput local:2 / --jobs 2, with start-up", local_total / (cluster_total + startup))):
        print(f"{name:<46} {ratio:5.2f}x  " + ("ok" if ratio >= TARGET else f"MISSES {TARGET:g}x"))
    print(f"per part: min {ratios[0]:.2f}  median {ratios[len(ratios) // 2]:.2f}  max {ratios[-1]:.2f}")
    per_submission = cluster_total * 2 / n  # worker-seconds per submission, one core each, gaps included
    print(f"\nNo-op tasks sent as the grader sends them: {gap * 2 * 1000:.0f} ms idle per worker between two tasks with the "
          f"grader's settings; {serial * 1000:.1f} ms per task for the client and scheduler when pushed, a "
          f"ceiling of about {1 / serial:.0f} submissions/s for any number of workers (this loaded 2-core machine "
          "runs the client, scheduler and workers together; a dedicated scheduler does far better).")
    print(f"Estimate for 100,000 submissions at {per_submission:.2f} worker-seconds each (measured above: 2 workers "
          f"on {os.cpu_count()} cores), on N one-core workers:")
    for workers in (2, 16, 64, 256):
        seconds = 100_000 * max(per_submission / workers, serial)
        bound = "client/scheduler-bound" if per_submission / workers < serial else "worker-bound"
        print(f"  N = {workers:>3}: about {duration(seconds):>7}  ({bound})")
    print("Assumptions: each worker is one core as fast as one of these and no busier (the sandbox's numpy is "
          "single-threaded); submissions cost what these do (all three exercises run; a hanging one costs up to "
          "--timeout); the client and scheduler cost per task is the one measured here; --ship bytes sends about "
          "60 KB per submission, which a 1 Gbit/s link carries at about 2000/s; start-up (seconds for local:N, "
          "the queue wait for Slurm jobs) is not counted.")


if __name__ == "__main__":
    main()
