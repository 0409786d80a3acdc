"""Grade a folder on a Dask cluster: one task per submission, graded by the same ``grade_submission`` and sandbox.

    python -m public_tests.grade FOLDER --csv gradebook.csv --scheduler local:4              (a LocalCluster here)
    python -m public_tests.grade FOLDER --csv gradebook.csv --scheduler tcp://HOST:8786      (a running scheduler)
    python -m public_tests.grade FOLDER --csv gradebook.csv --scheduler scheduler.json       (its scheduler file)

Dask is optional: ``pip install -e '.[cluster]'``. Rows stream into the same ``Gradebook`` as a
local batch, in completion order, as each task finishes; ``--resume`` continues a stopped run.

How a submission reaches a worker (``--ship``):
- ``path``: the worker opens the file itself, so the folder must be mounted at the same
  absolute path on every worker (a shared file system). Default for ``local:N``.
- ``bytes``: the client reads the file (at most ``MAX_NOTEBOOK_BYTES``) and sends its bytes
  inside the task; the worker grades a private temporary copy. Default for a remote scheduler.
  A file the grader would refuse unread (too large, unreadable, not a regular file) is
  graded here instead, which gives the refusal verdict without running anything.
Either way, texts that name the file name it as the local batch does, so rows are equal.

Lost workers: a task whose worker dies is run again on another worker. The scheduler's
``allowed-failures`` decides how often; ``local:N`` sets it to 1, so a submission that
kills its worker twice gets a row with a KilledWorker error and the batch goes on.
"""
import os
import pathlib
import shutil
import stat
import sys
import tempfile
import time
import uuid

from ..notebook_files import display_name
from .batch import submissions
from .gradebook import Gradebook
from .grader import grade_submission
from .limits import MAX_NOTEBOOK_BYTES
from .sandbox import isolation

INSTALL = "pip install -e '.[cluster]'"
ALLOWED_FAILURES = 1  # a task whose worker dies runs once more; a second death ends it with KilledWorker
WORKER_SATURATION = 1.0  # one task per worker thread at a time, so a worker's death only blames the task it ran
MAX_WORKERS = 64
LOCAL_GIVE_UP = 300.0  # local:N: seconds without any live worker before the batch stops
IN_FLIGHT_BYTES = 256 * 1024 ** 2  # --ship bytes: at most this much submission data sent and not yet graded


class ClusterError(Exception):
    """The cluster cannot be used as asked (Dask missing, scheduler unreachable, workers unfit); the message says why."""


class ClusterLost(ClusterError):
    """The batch cannot go on (the scheduler is gone, or no worker is left); the rows written so far stay."""


def require_dask():
    """Import dask.distributed; raise ClusterError naming what to install when it is missing."""
    try:
        import distributed
    except ImportError as error:
        raise ClusterError(f"--scheduler needs Dask distributed, which is not installed ({error}). Install it with "
                           f"{INSTALL}   (or: pip install 'dask[distributed]'), or grade on this machine with --jobs N "
                           "instead of --scheduler.") from None
    return distributed


def parse_scheduler(text):
    """Return ("local", N), ("file", path) or ("address", address) for a --scheduler value; raise ValueError."""
    if text.startswith("local:"):
        count = text[len("local:"):]
        if not count.isdigit() or not 1 <= int(count) <= MAX_WORKERS:
            raise ValueError(f"local:N needs a number of workers from 1 to {MAX_WORKERS}, not {text!r}")
        return "local", int(count)
    if text.endswith(".json"):
        return "file", text
    if "://" in text or ":" in text:
        return "address", text
    raise ValueError(f"{text!r} is not a scheduler: give local:N, an address such as tcp://HOST:8786, "
                     "or a scheduler file ending in .json")


def local_cluster(workers, **options):
    """Start a LocalCluster of ``workers`` one-thread worker processes, set up for grading; return it."""
    import logging

    import dask
    distributed = require_dask()
    settings = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                "distributed.scheduler.worker-saturation": WORKER_SATURATION}
    with dask.config.set(settings):
        return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=options.pop("dashboard_address", ":0"),
                                        silence_logs=options.pop("silence_logs", logging.ERROR), **options)


def connect(spec, timeout=30):
    """Return (client, cluster or None, remote) for a --scheduler value; raise ClusterError if it cannot be reached."""
    distributed = require_dask()
    try:
        kind, value = parse_scheduler(spec)
    except ValueError as error:
        raise ClusterError(str(error)) from None
    if kind == "local":
        try:
            cluster = local_cluster(value)
        except Exception as error:  # no free port, a worker that cannot start, ...
            raise ClusterError(f"could not start a local Dask cluster of {value} worker(s) "
                               f"({type(error).__name__}: {error})") from None
        return distributed.Client(cluster), cluster, False
    try:
        if kind == "file":
            if not os.path.isfile(value):
                raise ClusterError(f"the scheduler file {value} does not exist (dask scheduler --scheduler-file "
                                   f"{value} writes it when the scheduler starts)")
            client = distributed.Client(scheduler_file=value, timeout=timeout)
        else:
            client = distributed.Client(value, timeout=timeout)
    except ClusterError:
        raise
    except Exception as error:  # OSError, TimeoutError, ValueError for a malformed address
        raise ClusterError(f"cannot reach the Dask scheduler at {value} ({type(error).__name__}: {error}). Start "
                           "one with `dask scheduler` and workers with `dask worker ADDRESS`, or use local:N.") from None
    return client, None, True


# ---- on the worker ---------------------------------------------------------------------------------


def grade_task(shown, source, template, lenient, timeout, isolate):
    """Grade one submission on a worker; ``source`` is its path there (str) or its content (bytes).

    Texts in the verdict that name the file the worker read name ``shown`` instead (the local batch's name).
    """
    scratch = None
    if isinstance(source, bytes):
        scratch = tempfile.mkdtemp(prefix="grade-submission-")
        path = os.path.join(scratch, "submission.ipynb")
        with open(path, "wb") as handle:
            handle.write(source)
    else:
        path = source
        if not os.path.lexists(path):  # a folder not shared with this worker: no verdict, the client reports it
            raise FileNotFoundError(f"{display_name(path)} is not visible on this worker; share the folder at the "
                                    "same path on every worker, or use --ship bytes")
    try:
        verdict = grade_submission(path, template, lenient=lenient, timeout=timeout, isolate=isolate)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return renamed(verdict, display_name(path), shown)


def renamed(value, old, new):
    """Return ``value`` (verdict data) with the text ``old`` replaced by ``new`` in every string."""
    if old == new:
        return value
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: renamed(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v, old, new) for v in value]
    return value


def worker_check(isolate, folder=None):
    """Run on each worker before a batch: return (isolated, description, sees the folder or None)."""
    try:
        chosen = isolation(isolate)
    except RuntimeError as error:
        return False, str(error), None
    return chosen.isolated, chosen.describe(), (os.path.isdir(folder) if folder else None)


def _hold(value):
    return value


# ---- on the client ---------------------------------------------------------------------------------


def lost_verdict(shown, template, message):
    """Return the verdict of a submission that got no grade from the cluster (every exercise scored 0)."""
    exercises = [{"name": name, "score": 0.0, "max_score": template.points[name], "passed": False,
                  "feedback": f"Not graded: {message}."} for name in template.graded]
    return {"submission": shown, "score": 0.0, "max_score": sum(template.points.values()), "exercises": exercises,
            "violations": [], "notes": [], "error": message, "isolation": None}


def killed_message(error):
    tries = getattr(error, "allowed_failures", None)
    times = f"{tries + 1} times" if isinstance(tries, int) else "on every try"
    return (f"not graded: the Dask worker grading it died {times} (KilledWorker); the submission may crash or "
            "exhaust its grader. Grade it alone to see why")


def shipped(path, ship):
    """Return what a task gets for ``path``: its absolute path, its bytes, or None to grade it here."""
    if ship == "path":
        return os.path.abspath(path)
    try:  # a symbolic link is never followed (it could point at the solution): graded here, where it is refused
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_NOTEBOOK_BYTES:
            return None
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_NOTEBOOK_BYTES else None


def check_workers(client, isolate, folder, ship, out):
    """Refuse workers that cannot grade as asked; warn about unisolated ones. Return the number of workers."""
    try:
        answers = client.run(worker_check, isolate, os.path.abspath(folder) if ship == "path" else None)
    except Exception as error:  # e.g. ModuleNotFoundError on a worker without the project
        raise ClusterError(f"the Dask workers cannot run the grader ({type(error).__name__}: {error}). Install "
                           f"this project on every worker ({INSTALL}) with the same Python and Dask versions") from None
    blind = sorted(w for w, (_, _, sees) in answers.items() if sees is False)
    if blind:
        raise ClusterError(f"{len(blind)} worker(s) cannot see {os.path.abspath(folder)} (first: {blind[0]}): mount "
                           "the folder at the same path on every worker, or add --ship bytes")
    unisolated = sorted((w, text) for w, (isolated, text, _) in answers.items() if not isolated)
    if unisolated and isolate == "required":
        raise ClusterError(f"{len(unisolated)} worker(s) cannot isolate learner code (first: {unisolated[0][0]}: "
                           f"{unisolated[0][1]})")
    if unisolated:
        print(f"WARNING: {len(unisolated)} of {len(answers)} worker(s) grade without isolation (first: "
              f"{unisolated[0][0]}): {unisolated[0][1]}", file=sys.stderr)
    return len(answers)


def grade_folder_on_cluster(folder, template, csv_path, client, ship="path", lenient=False, timeout=60.0,
                            isolate="auto", resume=False, overwrite=False, out=None, every=2.0, give_up=None):
    """Grade every notebook under ``folder`` on the Dask cluster of ``client``; return a summary dict.

    Summary: graded (rows written now), errors (rows with an error), skipped (rows already there),
    failed ({name: reason} for submissions that got no row because of the cluster), seconds, workers.
    """
    with Gradebook(csv_path, list(template.graded), resume=resume, overwrite=overwrite) as gradebook:
        return grade_into(gradebook, folder, template, client, ship=ship, lenient=lenient, timeout=timeout,
                          isolate=isolate, out=out, every=every, give_up=give_up)


def grade_into(gradebook, folder, template, client, ship="path", lenient=False, timeout=60.0, isolate="auto",
               out=None, every=2.0, give_up=None):
    """Grade the notebooks under ``folder`` that have no row in the open ``gradebook`` yet (see grade_folder_on_cluster).

    ``every``: seconds between progress lines. ``give_up``: stop (ClusterLost) after that many seconds without
    any worker; None waits for workers forever (a Slurm queue may hold them back for hours).
    """
    require_dask()
    from distributed import KilledWorker, as_completed

    out = sys.stdout if out is None else out
    if ship not in ("path", "bytes"):
        raise ValueError(f"ship must be 'path' or 'bytes', not {ship!r}")
    start = time.monotonic()
    todo = [(name, path) for name, path in submissions(folder) if name not in gradebook.done]
    skipped = len(gradebook.done)
    workers = check_workers(client, isolate, folder, ship, out)
    link = getattr(client, "dashboard_link", None)
    print(f"Grading {len(todo)} notebook(s) on {workers} Dask worker(s) at {client.scheduler.address}, "
          f"submissions sent as {'paths' if ship == 'path' else 'bytes'}"
          + (f"; dashboard: {link}" if link else "") + ".", file=out, flush=True)
    if not workers:
        print("No Dask worker has joined yet: the tasks wait for one (Slurm jobs may still be queued).", file=out,
              flush=True)
    batch = uuid.uuid4().hex[:8]
    held = client.submit(_hold, template, key=f"grading-template-{batch}", pure=False)
    queue = iter(enumerate(todo))
    running, finished = {}, as_completed(with_results=True, raise_errors=False)  # results come in batches
    summary = {"graded": 0, "errors": 0, "skipped": skipped, "failed": {}, "workers": workers}
    in_flight = [0]
    not_isolated = []

    def record(name, verdict):
        gradebook.write(name, verdict)
        summary["graded"] += 1
        if verdict["error"]:
            summary["errors"] += 1
        if verdict.get("isolation", "") and verdict["isolation"].startswith("NOT ISOLATED"):
            not_isolated.append(name)

    def refill(window):
        while len(running) < window and in_flight[0] < IN_FLIGHT_BYTES:
            try:
                index, (name, path) = next(queue)
            except StopIteration:
                return
            shown = display_name(path)
            source = shipped(path, ship)
            if source is None:  # refused unread by the grader: same verdict, nothing to send
                record(name, grade_submission(path, template, lenient=lenient, timeout=timeout, isolate=isolate))
                continue
            size = len(source) if isinstance(source, bytes) else 0
            future = client.submit(grade_task, shown, source, held, lenient, timeout, isolate,
                                   key=f"grade-{batch}-{index}", pure=False, retries=1)
            running[future] = (name, shown, size)
            in_flight[0] += size
            finished.add(future)

    last = idle_since = time.monotonic()
    window = max(16, 4 * workers)
    refill(window)
    while running:
        batch = finished.next_batch(block=False)  # poll, so that progress shows while nothing finishes
        if not batch:
            time.sleep(0.05)
        for future, result in batch:
            name, shown, size = running.pop(future)
            in_flight[0] -= size
            if future.status == "finished":
                record(name, result)
            elif future.status == "cancelled" or client.status not in ("running", "connecting"):
                raise ClusterLost(f"lost the Dask scheduler after {summary['graded']} row(s); the rows written "
                                  "stay in the gradebook: rerun with --resume to continue")
            else:
                error = result[1] if isinstance(result, tuple) and len(result) == 3 else result  # (type, error, tb)
                if isinstance(error, KilledWorker):
                    record(name, lost_verdict(shown, template, killed_message(error)))
                    print(f"{name}: {killed_message(error)}", file=out, flush=True)
                else:
                    reason = f"{type(error).__name__}: {error}"
                    summary["failed"][name] = reason
                    print(f"{name}: no row (cluster error: {reason})", file=out, flush=True)
            future.release()
        now = time.monotonic()
        if now - last >= every and (batch or now - last >= 2.0):
            last = now
            threads = client.nthreads()
            workers, window = len(threads), max(16, 4 * sum(threads.values()))
            _progress(summary, len(todo), now - start, workers, out)
            if workers:
                idle_since = now
            elif give_up is not None and now - idle_since > give_up:
                raise ClusterLost(f"no Dask worker for {give_up:g} s, and {len(running)} submission(s) waiting; "
                                  f"the {summary['graded']} row(s) written stay in the gradebook: start workers "
                                  "and rerun with --resume")
        refill(window)
    held.release()
    summary["seconds"] = time.monotonic() - start
    summary["not_isolated"] = len(not_isolated)
    return summary


def _progress(summary, total, seconds, workers, out):
    done = summary["graded"] + len(summary["failed"])
    rate = summary["graded"] / seconds if seconds > 0 else 0.0
    left = (total - done) / rate if rate > 0 else float("inf")
    eta = f", about {_duration(left)} left" if rate > 0 else ""
    print(f"[{done}/{total}] {rate:.2f} submissions/s on {workers} worker(s), {summary['errors']} with an error{eta}",
          file=out, flush=True)


def _duration(seconds):
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


def summary_line(summary, csv_path):
    """Return the closing line: graded, errors, time, submissions per second."""
    seconds = summary["seconds"]
    rate = summary["graded"] / seconds if seconds > 0 else 0.0
    text = (f"Graded {summary['graded']} notebook(s) on the cluster in {seconds:.1f} s ({rate:.2f} submissions/s), "
            f"{summary['errors']} with an error")
    if summary["skipped"]:
        text += f" ({summary['skipped']} already in the gradebook, skipped)"
    text += f"; wrote {csv_path}."
    if summary["failed"]:
        text += (f" {len(summary['failed'])} got no row because of the cluster (listed above): fix it and rerun "
                 "with --resume to grade them.")
    return text


# ---- command line ----------------------------------------------------------------------------------


def add_options(parser):
    """Add --scheduler and --ship to the grader's argument parser."""
    group = parser.add_argument_group("grading on a Dask cluster (needs: " + INSTALL + ")")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade the folder on Dask: local:N (a LocalCluster of N worker processes here), a "
                            "scheduler address such as tcp://HOST:8786, or a scheduler file (.json)")
    group.add_argument("--ship", choices=["auto", "path", "bytes"], default="auto",
                       help="how submissions reach the workers: path (the folder is shared at the same path on "
                            "every worker), bytes (sent inside each task, at most 8 MB), auto: path for local:N, "
                            "bytes otherwise (default: %(default)s)")


def run(args, parser, out=None):
    """Grade ``args.path`` on the cluster named by ``args.scheduler``; return the exit status (see cli.py)."""
    from .cli import template_or_usage_error
    from .gradebook import GradebookError

    out = sys.stdout if out is None else out
    path = pathlib.Path(args.path)
    if not path.is_dir():
        parser.error(f"--scheduler grades a folder, and {display_name(path)} is not one")
    if not args.csv:
        parser.error(f"{display_name(path)} is a folder: add --csv GRADEBOOK.csv to grade every notebook in it")
    try:
        require_dask()
        kind, _ = parse_scheduler(args.scheduler)
    except (ClusterError, ValueError) as error:
        parser.error(str(error))
    template = template_or_usage_error(args.template, parser)
    ship = args.ship if args.ship != "auto" else ("path" if kind == "local" else "bytes")
    fresh = not (os.path.exists(args.csv) and os.path.getsize(args.csv) > 0)
    try:  # before any cluster starts: an existing gradebook without --resume is a usage error
        gradebook = Gradebook(args.csv, list(template.graded), resume=args.resume, overwrite=args.overwrite)
    except GradebookError as error:
        parser.error(str(error))
    client = cluster = None
    try:
        client, cluster, _ = connect(args.scheduler)
        summary = grade_into(gradebook, path, template, client, ship=ship, lenient=args.lenient,
                             timeout=args.timeout, isolate=args.isolation, out=out,
                             give_up=LOCAL_GIVE_UP if kind == "local" else None)
    except ClusterLost as error:
        print(f"Stopped: {error}", file=sys.stderr)
        return 1
    except ClusterError as error:
        if fresh and not gradebook.done:  # leave no empty gradebook behind a run that never started
            gradebook.close()
            os.remove(args.csv)
        parser.error(str(error))
    finally:
        gradebook.close()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    print(summary_line(summary, args.csv), file=out, flush=True)
    if summary["not_isolated"]:
        print(f"WARNING: {summary['not_isolated']} submission(s) were graded WITHOUT isolation (see the workers "
              "above); their learner code ran with the worker's rights.", file=sys.stderr)
    return 1 if summary["failed"] else 0
