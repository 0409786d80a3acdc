"""Grading throughput on a Dask LocalCluster against the local batch, over the same submissions, in this process.

    python benchmarks/bench_cluster.py [--count 200] [--parts 5] [--timeout 60]

Each part of the folder is graded with ``--jobs 2`` and on ``local:2``, alternating which goes first; the run
prints the ratio (target >= 0.8), checks that both gradebooks hold the same rows, and estimates 100,000 submissions.
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
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from common import machine, timed  # noqa: E402
from notebook_tools import STUDENT, answer_lines, cell_by_id, fill_answers, load, text  # noqa: E402

TARGET = 0.8


def write_submissions(folder, count, parts):
    """Write ``count`` notebooks into ``parts`` subfolders: 70% right, 20% with a wrong He scale, 10% with a print."""
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
        os.makedirs(os.path.join(folder, f"part{i % parts}"), exist_ok=True)
        with open(os.path.join(folder, f"part{i % parts}", f"student{i:05d}.ipynb"), "w", encoding="utf-8") as handle:
            json.dump(notebook, handle)


def rows(paths):
    found = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as handle:
            found += list(csv.reader(handle))[1:]
    return sorted(found)


def no_op_seconds(client, tasks):
    """Return seconds per no-op task sent as the grader sends them: in one graph, collected with as_completed."""
    from distributed import as_completed

    client.submit(abs, 0, pure=False).result()
    start = time.perf_counter()
    for future in as_completed(client.map(abs, [-i for i in range(tasks)], pure=False)):
        future.result()
    return (time.perf_counter() - start) / tasks


def pushed_no_op_seconds(tasks):
    """Return seconds per no-op task when every task goes to the workers at once: the client and scheduler's own cost."""
    from distributed import Client

    from instructor_tools.grading.cluster import local_cluster

    with local_cluster(2, **{"distributed.scheduler.worker-saturation": "inf"}) as cluster, Client(cluster) as client:
        return no_op_seconds(client, tasks)


def grade_parts(folder, parts, timeout, tmp):
    """Grade each part with --jobs 2 and on local:2 in turn; return both times, start-up, no-op gap, same rows."""
    from distributed import Client

    from instructor_tools.grading import load_template
    from instructor_tools.grading.batch import grade_folder
    from instructor_tools.grading.cluster import grade_folder_on_cluster, local_cluster
    from instructor_tools.notebook_files import read_notebook

    template = load_template(read_notebook(STUDENT))
    times, books = {"local": [], "cluster": []}, {"local": [], "cluster": []}
    startup, cluster = timed(local_cluster, 2)
    with cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        graders = {"local": lambda part, book: grade_folder(part, template, book, jobs=2, timeout=timeout,
                                                            out=io.StringIO()),
                   "cluster": lambda part, book: grade_folder_on_cluster(part, template, book, client, ship="path",
                                                                         timeout=timeout, out=io.StringIO())}
        for k in range(parts):
            part = os.path.join(folder, f"part{k}")
            for name in ("local", "cluster") if k % 2 == 0 else ("cluster", "local"):
                books[name].append(os.path.join(tmp, f"{name}{k}.csv"))
                times[name].append(timed(graders[name], part, books[name][-1])[0])
            print(f"part {k}: {len(os.listdir(part))} submissions, --jobs 2 {times['local'][-1]:6.1f} s, local:2 "
                  f"{times['cluster'][-1]:6.1f} s, ratio {times['local'][-1] / times['cluster'][-1]:.2f}", flush=True)
        gap = no_op_seconds(client, 200)
    return times["local"], times["cluster"], startup, gap, rows(books["local"]) == rows(books["cluster"])


def main():
    from instructor_tools.grading.cluster.progress import duration

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--parts", type=int, default=5)
    p.add_argument("--timeout", type=float, default=60.0)
    args = p.parse_args()
    print("Cluster grading benchmark:", machine())
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        write_submissions(os.path.join(tmp, "class"), args.count, args.parts)
        local_t, cluster_t, startup, gap, same = grade_parts(os.path.join(tmp, "class"), args.parts, args.timeout, tmp)
    serial = pushed_no_op_seconds(500)
    n, local_total, cluster_total = args.count, sum(local_t), sum(cluster_t)
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
        bound = "client/scheduler-bound" if per_submission / workers < serial else "worker-bound"
        print(f"  N = {workers:>3}: about {duration(100_000 * max(per_submission / workers, serial)):>10}  ({bound})")
    print("Assumptions: each worker is one core as fast as one of these and no busier (the sandbox's numpy is "
          "single-threaded); submissions cost what these do (all three exercises run; a hanging function costs up to "
          "--timeout); the client and scheduler cost per task is the one measured here; --ship bytes sends about "
          "60 KB per submission, which a 1 Gbit/s link carries at about 2000/s; start-up (seconds for local:N, "
          "the queue wait for Slurm jobs) is not counted.")


if __name__ == "__main__":
    main()
