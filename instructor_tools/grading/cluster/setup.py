"""Reach a Dask cluster: import Dask, read --scheduler, start or join the scheduler, check the workers."""
import contextlib
import json
import logging
import os
import sys

from ..policy import refusal
from .worker import worker_check

INSTALL = "pip install -e '.[cluster]'"
ALLOWED_FAILURES = 1  # a task whose worker dies runs once more; a second death ends it with KilledWorker
WORKER_SATURATION = 1.0  # one task per worker thread at a time, so fewer innocent tasks share a death
MAX_WORKERS = 64


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
    """Return ("local", N), ("file", path) or ("address", address) for a --scheduler value; raise ClusterError."""
    if text.startswith("local:"):
        count = text[len("local:"):]
        if not count.isdigit() or not 1 <= int(count) <= MAX_WORKERS:
            raise ClusterError(f"local:N needs a number of workers from 1 to {MAX_WORKERS}, not {text!r}")
        return "local", int(count)
    if text.endswith(".json"):
        return "file", text
    if ":" in text:
        return "address", text
    raise ClusterError(f"{text!r} is not a scheduler: give local:N, an address such as tcp://HOST:8786, "
                       "or a scheduler file ending in .json")


def check_scheduler(spec):
    """Return the kind of ``spec`` ("local", "file" or "address"); raise ClusterError if Dask or the value is unusable."""
    require_dask()
    return parse_scheduler(spec)[0]


def local_cluster(workers, threads=1, **settings):
    """Start a LocalCluster set up for grading; ``settings``: more scheduler configuration, e.g. for a test."""
    import dask
    distributed = require_dask()
    config = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
              "distributed.scheduler.worker-saturation": WORKER_SATURATION, **settings}
    with dask.config.set(config):
        return distributed.LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                                        dashboard_address=":0", silence_logs=logging.ERROR)


@contextlib.contextmanager
def connect(spec, timeout=30):
    """Yield a client of the --scheduler value ``spec`` (for local:N, of a LocalCluster started for it); raise ClusterError."""
    distributed = require_dask()
    kind, value = parse_scheduler(spec)
    if kind == "local":
        try:
            cluster = local_cluster(value)
        except Exception as error:  # no free port, a worker that cannot start, ...
            raise ClusterError(f"could not start a local Dask cluster of {value} worker(s) "
                               f"({type(error).__name__}: {error})") from None
        with cluster, distributed.Client(cluster) as client:
            yield client
        return
    if kind == "file":
        check_scheduler_file(value)
    try:
        target = {"scheduler_file": value} if kind == "file" else {"address": value}
        client = distributed.Client(timeout=timeout, **target)
    except Exception as error:  # OSError, TimeoutError, ValueError for a malformed address
        raise ClusterError(f"cannot reach the Dask scheduler at {value} ({type(error).__name__}: {error}). Start "
                           "one with `dask scheduler` and workers with `dask worker ADDRESS`, or use local:N.") from None
    with client:
        yield client


def check_scheduler_file(path):
    """Raise ClusterError unless ``path`` is what `dask scheduler --scheduler-file` writes: JSON with an "address"."""
    writes = f"(dask scheduler --scheduler-file {path} writes it when the scheduler starts)"
    if not os.path.isfile(path):
        raise ClusterError(f"the scheduler file {path} does not exist {writes}")
    try:
        with open(path, "rb") as handle:
            content = json.loads(handle.read(2 ** 20))
    except (OSError, ValueError, RecursionError) as error:
        raise ClusterError(f"{path} is not a Dask scheduler file: it cannot be read as JSON ({error}). Give the "
                           f"file the scheduler wrote {writes}") from None
    if not (isinstance(content, dict) and isinstance(content.get("address"), str)):
        raise ClusterError(f"{path} is not a Dask scheduler file: it holds no scheduler \"address\" (a scheduler "
                           'file looks like {"type": "Scheduler", "address": "tcp://HOST:8786", ...}). Give the file '
                           f"the scheduler wrote {writes}")


def check_workers(client, isolate, folder, ship):
    """Refuse workers that cannot grade as asked (``isolate``: "required" or "off"); return the number of workers."""
    try:
        answers = client.run(worker_check, isolate, os.path.abspath(folder) if ship == "path" else None)
    except Exception as error:  # e.g. ModuleNotFoundError on a worker without the project
        raise ClusterError(f"the Dask workers cannot run the grader ({type(error).__name__}: {error}). Install "
                           f"this project on every worker ({INSTALL}) with the same Python and Dask versions") from None
    blind = sorted(w for w, (_, _, sees) in answers.items() if sees is False)
    if blind:
        raise ClusterError(f"{len(blind)} worker(s) cannot see {os.path.abspath(folder)} (first: {blind[0]}): mount "
                           "the folder at the same path on every worker, or add --ship bytes")
    unisolated = sorted((w, reason) for w, (isolated, reason, _) in answers.items() if not isolated)
    if unisolated and isolate != "off":
        raise ClusterError(refusal(unisolated[0][1], f"{len(unisolated)} of {len(answers)} Dask worker(s) (first: "
                                                     f"{unisolated[0][0]})"))
    if unisolated:
        print(f"WARNING: the {len(answers)} worker(s) grade WITHOUT isolation (--isolation off): learner code runs "
              "with the rights of each worker.", file=sys.stderr)
    return len(answers)
