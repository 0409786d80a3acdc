"""Drive a batch on Dask: one task per submission, each row written as it arrives, suspects regraded alone.

A worker that dies takes the tasks it ran or held with it; after ``allowed-failures`` deaths Dask gives up on
each with KilledWorker, whether it crashed the worker or only shared it. So a KilledWorker only makes a suspect:
once every other task is done, each suspect is graded again alone (one task on the whole cluster), and only a
submission that still kills its worker gets a KilledWorker row.
"""
import os
import sys
import time

from ...notebook_files import NotebookError, display_name, read_bytes
from ..batch import submissions
from ..gradebook import Gradebook
from ..grader import blank_verdict, grade_submission
from ..limits import MAX_NOTEBOOK_BYTES
from ..report import grader_failed
from .progress import Progress, summary_line
from .setup import ClusterLost, check_scheduler, check_workers, connect
from .worker import grade_task, hold

IN_FLIGHT_BYTES = 256 * 1024 ** 2  # --ship bytes: at most this much submission data sent and not yet graded
CHECK_EVERY = 2.0  # seconds between two checks that the scheduler and some worker are still there
POLL = 0.05  # seconds between two looks for finished tasks
LOCAL_GIVE_UP = 300.0  # local:N: seconds without any live worker before the batch stops


def grade_on_scheduler(spec, folder, csv_path, template, ship="auto", isolate="auto", resume=False, overwrite=False,
                       lenient=False, timeout=60.0, out=None):
    """Grade ``folder`` on the cluster ``spec`` into ``csv_path``; return 1 if the cluster was lost or rows are missing.

    Raise ClusterError (or GradebookError) for a run that cannot start: the gradebook is opened only once the
    scheduler answers and its workers can grade, so such a run leaves it as it was.
    """
    out = sys.stdout if out is None else out
    kind = check_scheduler(spec)
    ship = ship if ship != "auto" else ("path" if kind == "local" else "bytes")
    mode = "off" if isolate == "off" else "required"  # auto: every worker must isolate (fail closed)
    try:
        with connect(spec) as client:
            summary = grade_folder_on_cluster(folder, template, csv_path, client, resume=resume, overwrite=overwrite,
                                              ship=ship, lenient=lenient, timeout=timeout, isolate=mode, out=out,
                                              give_up=LOCAL_GIVE_UP if kind == "local" else None)
    except ClusterLost as error:
        print(f"Stopped: {error}", file=sys.stderr)
        return 1
    print(summary_line(summary, csv_path), file=out, flush=True)
    if summary["not_isolated"]:
        print(f"WARNING: {summary['not_isolated']} submission(s) were graded WITHOUT isolation (--isolation off); "
              "their learner code ran with the rights of the Dask workers.", file=sys.stderr)
    return 1 if summary["failed"] else 0


def grade_folder_on_cluster(folder, template, csv_path, client, resume=False, overwrite=False, ship="path",
                            isolate="required", **options):
    """Grade every notebook under ``folder`` on the cluster of ``client`` into ``csv_path``; return grade_into's
    summary. The workers are checked (ClusterError) before the gradebook is opened."""
    if ship not in ("path", "bytes") or isolate not in ("required", "off"):
        raise ValueError(f"a cluster ships 'path' or 'bytes' and isolates 'required' or 'off', not {ship!r}, {isolate!r}")
    workers = check_workers(client, isolate, folder, ship)
    with Gradebook(csv_path, list(template.graded), resume=resume, overwrite=overwrite,
                   isolated=isolate != "off") as gradebook:
        return grade_into(gradebook, folder, template, client, workers, ship=ship, isolate=isolate, **options)


def grade_into(gradebook, folder, template, client, workers, ship="path", lenient=False, timeout=60.0,
               isolate="required", out=None, every=2.0, give_up=None):
    """Grade the notebooks under ``folder`` without a row in ``gradebook`` on the ``workers`` that check_workers
    counted; return a summary dict (Progress.summary).

    ``every``: seconds between progress lines. ``give_up``: stop (ClusterLost) after that many seconds without
    any worker; None waits for workers forever (a Slurm queue may hold them back for hours).
    """
    todo = [(name, path) for name, path in submissions(folder) if name not in gradebook.done]
    progress = Progress(len(todo), len(gradebook.done), workers, sys.stdout if out is None else out, every)
    link = getattr(client, "dashboard_link", None)
    progress.say(f"Grading {len(todo)} notebook(s) on {workers} Dask worker(s) at {client.scheduler.address}, "
                 f"submissions sent as {'paths' if ship == 'path' else 'bytes'}" + (f"; dashboard: {link}" if link else "") + ".")
    if not workers:
        progress.say("No Dask worker has joined yet: the tasks wait for one (Slurm jobs may still be queued).")
    run = ClusterRun(gradebook, template, client, progress, ship, give_up,
                     {"lenient": lenient, "timeout": timeout, "isolate": isolate})
    try:
        run.grade(todo)
        if run.suspects:
            progress.suspects = sorted(name for name, _ in run.suspects)
            progress.say(f"Grading {len(run.suspects)} submission(s) again, one at a time: a Dask worker died while "
                         "they were running or queued beside others.")
            run.grade(sorted(run.suspects), alone=True)
    finally:
        run.close()
    return progress.summary()


class ClusterRun:
    """The tasks of one batch in flight, and what became of them."""

    def __init__(self, gradebook, template, client, progress, ship, give_up, grading):
        from distributed import as_completed

        self.gradebook, self.template, self.client, self.progress = gradebook, template, client, progress
        self.ship, self.give_up, self.grading = ship, give_up, grading  # grading: grade_submission's options
        # A task rather than client.scatter: Dask computes it again if the worker that holds it dies.
        self.held = client.submit(hold, template, pure=False)
        self.finished = as_completed()
        self.running = {}  # future -> (name, path, bytes sent)
        self.suspects, self.in_flight = [], 0
        self.window = max(16, 4 * progress.workers)
        self.checked = self.had_workers = time.monotonic()

    def grade(self, items, alone=False):
        """Grade ``items`` ([(name, path)]): alone, one task at a time on the cluster, or many at once."""
        waiting = list(reversed(items))
        while waiting or self.running:
            self._send(waiting, 1 if alone else self.window)
            if self.running:
                self._collect(self._next_batch(), alone)

    def _send(self, waiting, window):
        """Start tasks from the end of ``waiting`` until ``window`` run at once (in one graph, in name order)."""
        shown, sources, kept = [], [], []
        while waiting and len(self.running) + len(kept) < window and self.in_flight < IN_FLIGHT_BYTES:
            name, path = waiting.pop()
            source = shipped(path, self.ship)
            if source is None:  # refused unread by the grader: the same verdict, and nothing to send
                self._record(name, grade_submission(path, self.template, **self.grading))
                continue
            size = len(source) if isinstance(source, bytes) else 0
            self.in_flight += size
            shown.append(display_name(path))
            sources.append(source)
            kept.append((name, path, size))
        if kept:
            futures = self.client.map(grade_task, shown, sources, template=self.held, **self.grading, pure=False,
                                      retries=1)
            self.running.update(zip(futures, kept))
            self.finished.update(futures)

    def _next_batch(self):
        """Return the futures that have finished, once there are some; check the cluster meanwhile."""
        self._check_cluster()
        while not self.finished.has_ready():
            time.sleep(POLL)
            self._check_cluster()
        return self.finished.next_batch(block=False)

    def _collect(self, batch, alone):
        """Write the rows of the finished futures of ``batch``; keep suspects; name the submissions left without a row."""
        from distributed import KilledWorker

        done = [future for future in batch if future.status == "finished"]
        try:
            verdicts = self.client.gather(done) if done else []
        except Exception as error:  # the scheduler went away between the two calls
            raise ClusterLost(self._lost(f"{type(error).__name__}: {error}")) from None
        for future, verdict in zip(done, verdicts):
            self._record(self._pop(future)[0], verdict)
        for future in batch:
            if future.status == "finished":
                continue
            name, path = self._pop(future)
            if future.cancelled() or self.client.status not in ("running", "connecting"):
                raise ClusterLost(self._lost())
            error = future.exception()
            if isinstance(error, KilledWorker) and not alone:
                self.suspects.append((name, path))
            elif isinstance(error, KilledWorker):
                message = killed_message(error)
                verdict = lost_verdict(display_name(path), self.template, message, self.grading["isolate"])
                self._record(name, verdict)
                self.progress.say(f"{name}: {message}")
            else:
                self.progress.fail(name, f"cluster error: {type(error).__name__}: {error}")
        for future in batch:
            future.release()
        self.progress.tick()

    def _record(self, name, verdict):
        """Write the row of ``verdict``; a verdict on which the grader failed gets none, so --resume grades it again."""
        if grader_failed(verdict):
            self.progress.fail(name, verdict["error"])
        else:
            self.progress.record(self.gradebook, name, verdict)

    def _pop(self, future):
        name, path, size = self.running.pop(future)
        self.in_flight -= size
        return name, path

    def _check_cluster(self):
        """Every CHECK_EVERY seconds: follow the workers, print progress, stop a batch that cannot go on."""
        now = time.monotonic()
        if now - self.checked < CHECK_EVERY:
            return
        self.checked = now
        if self.client.status not in ("running", "connecting"):
            raise ClusterLost(self._lost())
        try:
            threads = self.client.nthreads()
        except Exception:  # a slow answer; a scheduler that is really gone changes client.status
            return
        self.window, self.progress.workers = max(16, 4 * sum(threads.values())), len(threads)
        if threads:
            self.had_workers = now
        elif self.give_up is not None and now - self.had_workers > self.give_up:
            raise ClusterLost(f"no Dask worker for {self.give_up:g} s, and {len(self.running)} submission(s) waiting; "
                              f"the {self.progress.graded} row(s) written stay in the gradebook: start workers and "
                              "rerun with --resume")
        self.progress.tick()

    def _lost(self, why=None):
        return (f"lost the Dask scheduler{f' ({why})' if why else ''} after {self.progress.graded} row(s); the rows "
                "written stay in the gradebook: rerun with --resume to continue")

    def close(self):
        if self.client.status == "running":
            self.held.release()
            for future in self.running:
                future.cancel()


def shipped(path, ship):
    """Return what a task gets for ``path``: its absolute path, its bytes, or None to grade it here."""
    if ship == "path":
        return os.path.abspath(path)
    try:  # never through a symbolic link (it could point at the solution): graded here, where it is refused
        return read_bytes(path, MAX_NOTEBOOK_BYTES, follow_symlinks=False)
    except NotebookError:
        return None


def lost_verdict(shown, template, message, isolate):
    """Return the verdict of a submission that got no grade from the cluster (every exercise scored 0)."""
    isolation = "NOT ISOLATED: graded with --isolation off" if isolate == "off" else "bubblewrap on a Dask worker"
    return dict(blank_verdict(shown, template, f"Not graded: {message}."), error=message, isolation=isolation)


def killed_message(error):
    """Return the error text of a submission that killed its Dask worker while graded alone."""
    tries = getattr(error, "allowed_failures", None)
    times = f"{tries + 1} times" if isinstance(tries, int) else "on every try"
    return (f"not graded: the Dask worker grading it died {times} (KilledWorker), also with nothing else running "
            "on the cluster; the submission crashes or exhausts its grader. Grade it alone to see why")
