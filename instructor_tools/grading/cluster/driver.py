"""Drive a batch on a Dask cluster: one task per submission, each verdict written as it arrives.

A worker that dies takes the tasks it was running or holding with it. Dask runs them again
(``allowed-failures`` times) and then gives up with KilledWorker, whether a task crashed the
worker or only shared it with one that did. So a KilledWorker ends nothing here: the submission
is a suspect, and once every other task is done, each suspect is graded again alone, one task
on the whole cluster at a time. Only a submission that kills its worker by itself gets a
KilledWorker row; the others get their verdict.
"""
import os
import stat
import sys
import threading
import time
import uuid

from ...notebook_files import display_name
from ..batch import submissions
from ..gradebook import Gradebook
from ..grader import grade_submission
from ..limits import MAX_NOTEBOOK_BYTES
from ..report import terminal_safe
from .progress import Progress
from .setup import ClusterLost, check_workers, require_dask
from .worker import grade_task, hold

IN_FLIGHT_BYTES = 256 * 1024 ** 2  # --ship bytes: at most this much submission data sent and not yet graded
CHECK_EVERY = 2.0  # seconds between two checks that the scheduler and some worker are still there


def grade_folder_on_cluster(folder, template, csv_path, client, ship="path", lenient=False, timeout=60.0,
                            isolate="required", resume=False, overwrite=False, out=None, every=2.0, give_up=None):
    """Grade every notebook under ``folder`` on the Dask cluster of ``client``; return a summary dict (see grade_into)."""
    with Gradebook(csv_path, list(template.graded), resume=resume, overwrite=overwrite,
                   isolated=isolate != "off") as gradebook:
        return grade_into(gradebook, folder, template, client, ship=ship, lenient=lenient, timeout=timeout,
                          isolate=isolate, out=out, every=every, give_up=give_up)


def grade_into(gradebook, folder, template, client, ship="path", lenient=False, timeout=60.0, isolate="required",
               out=None, every=2.0, give_up=None):
    """Grade the notebooks under ``folder`` that have no row in the open ``gradebook`` yet; return a summary dict.

    ``isolate``: "required" (every worker must isolate learner code) or "off". ``every``: seconds
    between progress lines. ``give_up``: stop (ClusterLost) after that many seconds without any
    worker; None waits for workers forever (a Slurm queue may hold them back for hours).
    Summary: graded (rows written now), errors (rows with an error), skipped (rows already there),
    failed ({name: reason} for submissions that got no row because of the cluster), suspects
    (names regraded alone after a KilledWorker), seconds, workers, not_isolated (rows).
    """
    require_dask()
    if ship not in ("path", "bytes"):
        raise ValueError(f"ship must be 'path' or 'bytes', not {ship!r}")
    if isolate not in ("required", "off"):
        raise ValueError(f"a cluster grades with isolate 'required' or 'off', not {isolate!r}")
    out = sys.stdout if out is None else out
    todo = [(name, path) for name, path in submissions(folder) if name not in gradebook.done]
    workers = check_workers(client, isolate, folder, ship)
    link = getattr(client, "dashboard_link", None)
    print(terminal_safe(f"Grading {len(todo)} notebook(s) on {workers} Dask worker(s) at {client.scheduler.address}, "
                        f"submissions sent as {'paths' if ship == 'path' else 'bytes'}"
                        + (f"; dashboard: {link}" if link else "") + "."), file=out, flush=True)
    if not workers:
        print("No Dask worker has joined yet: the tasks wait for one (Slurm jobs may still be queued).", file=out,
              flush=True)
    run = ClusterRun(gradebook, template, client, (ship, lenient, timeout, isolate),
                     Progress(len(todo), len(gradebook.done), workers, out, every), give_up)
    try:
        run.grade(todo)
        if run.suspects:
            run.suspects.sort()  # graded again in name order
            run.progress.suspects = [name for name, _ in run.suspects]
            print(f"Grading {len(run.suspects)} submission(s) again, one at a time: a Dask worker died while they "
                  "were running or queued beside others.", file=out, flush=True)
            run.grade(run.suspects, alone=True)
    finally:
        run.close()
    return run.progress.summary()


class ClusterRun:
    """The tasks of one batch in flight, and what became of them."""

    def __init__(self, gradebook, template, client, options, progress, give_up):
        from distributed import as_completed

        self.gradebook, self.template, self.client, self.progress = gradebook, template, client, progress
        self.ship, self.lenient, self.timeout, self.isolate = options
        self.batch = uuid.uuid4().hex[:8]
        self.held = client.submit(hold, template, key=f"grading-template-{self.batch}", pure=False)
        self.finished = as_completed()
        self.running = {}  # future -> (name, path, bytes sent)
        self.suspects, self.sent, self.in_flight = [], 0, 0
        self.window = max(16, 4 * progress.workers)
        self.stopped = None  # why the batch cannot go on (set by the watch thread)
        self._closing = threading.Event()
        self._watch = threading.Thread(target=self._watch_cluster, args=(give_up,), daemon=True)
        self._watch.start()

    def grade(self, items, alone=False):
        """Grade ``items`` ([(name, path)]): alone, one task at a time on the cluster, or many at once."""
        waiting = list(reversed(items))
        while waiting or self.running:
            self._send(waiting, 1 if alone else self.window)
            if not self.running:
                continue
            if self.stopped:
                raise ClusterLost(self.stopped)
            try:
                batch = self.finished.next_batch(block=True)
            except StopIteration:  # the watch thread emptied the collection: the batch cannot go on
                raise ClusterLost(self._lost()) from None
            self._collect(batch, alone)

    def _send(self, waiting, window):
        """Start tasks from the end of ``waiting`` until ``window`` run at once (in one graph, in name order)."""
        shown, sources, keys, kept = [], [], [], []
        while waiting and len(self.running) + len(keys) < window and self.in_flight < IN_FLIGHT_BYTES:
            name, path = waiting.pop()
            source = shipped(path, self.ship)
            if source is None:  # refused unread by the grader: the same verdict, and nothing to send
                self.progress.record(self.gradebook, name, grade_submission(
                    path, self.template, lenient=self.lenient, timeout=self.timeout, isolate=self.isolate))
                continue
            size = len(source) if isinstance(source, bytes) else 0
            self.in_flight += size
            shown.append(display_name(path))
            sources.append(source)
            kept.append((name, path, size))
            keys.append(f"grade-{self.batch}-{self.sent}")
            self.sent += 1
        if keys:
            futures = self.client.map(grade_task, shown, sources, key=keys, template=self.held, lenient=self.lenient,
                                      timeout=self.timeout, isolate=self.isolate, pure=False, retries=1)
            self.running.update(zip(futures, kept))
            self.finished.update(futures)

    def _collect(self, batch, alone):
        """Write the rows of the finished futures of ``batch``; keep suspects; name the submissions left without a row."""
        from distributed import KilledWorker

        done = [future for future in batch if future.status == "finished"]
        try:
            verdicts = self.client.gather(done) if done else []
        except Exception as error:  # the scheduler went away between the two calls
            raise ClusterLost(self._lost(f"{type(error).__name__}: {error}")) from None
        for future, verdict in zip(done, verdicts):
            self.progress.record(self.gradebook, self._pop(future)[0], verdict)
        for future in batch:
            if future.status == "finished":
                continue
            name, path, _ = self._pop(future)
            if future.cancelled() or self.client.status not in ("running", "connecting"):
                raise ClusterLost(self._lost())
            error = future.exception()
            if isinstance(error, KilledWorker) and not alone:
                self.suspects.append((name, path))
            elif isinstance(error, KilledWorker):
                message = killed_message(error)
                self.progress.record(self.gradebook, name, lost_verdict(display_name(path), self.template, message,
                                                                        self.isolate))
                self.progress.say(f"{name}: {message}")
            else:
                self.progress.fail(name, f"{type(error).__name__}: {error}")
        for future in batch:
            future.release()
        self.progress.tick()

    def _pop(self, future):
        name, path, size = self.running.pop(future)
        self.in_flight -= size
        return name, path, size

    def _lost(self, why=None):
        if self.stopped:
            return self.stopped
        return (f"lost the Dask scheduler{f' ({why})' if why else ''} after {self.progress.graded} row(s); the rows "
                "written stay in the gradebook: rerun with --resume to continue")

    def _watch_cluster(self, give_up):
        """Every CHECK_EVERY seconds: follow the number of workers, print progress, stop a batch that cannot go on."""
        idle_since = time.monotonic()
        while not self._closing.wait(CHECK_EVERY):
            if self.stopped:  # keep the main thread from waiting on tasks sent after the batch was stopped
                self.finished.clear()
                continue
            if self.client.status not in ("running", "connecting"):
                self._stop(self._lost())
                continue
            try:
                threads = self.client.nthreads()
            except Exception:  # a slow answer; a scheduler that is really gone changes client.status
                continue
            self.window = max(16, 4 * sum(threads.values()))
            self.progress.workers = len(threads)
            now = time.monotonic()
            if threads:
                idle_since = now
            elif give_up is not None and now - idle_since > give_up:
                self._stop(f"no Dask worker for {give_up:g} s, and {len(self.running)} submission(s) waiting; "
                           f"the {self.progress.graded} row(s) written stay in the gradebook: start workers "
                           "and rerun with --resume")
                continue
            self.progress.tick()

    def _stop(self, reason):
        self.stopped = reason
        self.finished.clear()  # the main thread's wait ends with StopIteration

    def close(self):
        self._closing.set()
        self._watch.join()
        if self.client.status == "running":
            self.held.release()
            for future in self.running:
                future.cancel()


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


def lost_verdict(shown, template, message, isolate):
    """Return the verdict of a submission that got no grade from the cluster (every exercise scored 0)."""
    exercises = [{"name": name, "score": 0.0, "max_score": template.points[name], "passed": False,
                  "feedback": f"Not graded: {message}."} for name in template.graded]
    isolation = "NOT ISOLATED: graded with --isolation off" if isolate == "off" else "bubblewrap on a Dask worker"
    return {"submission": shown, "score": 0.0, "max_score": sum(template.points.values()), "exercises": exercises,
            "violations": [], "notes": [], "error": message, "isolation": isolation}


def killed_message(error):
    """Return the error text of a submission that killed its Dask worker while graded alone."""
    tries = getattr(error, "allowed_failures", None)
    times = f"{tries + 1} times" if isinstance(tries, int) else "on every try"
    return (f"not graded: the Dask worker grading it died {times} (KilledWorker), also with nothing else running "
            "on the cluster; the submission crashes or exhausts its grader. Grade it alone to see why")
