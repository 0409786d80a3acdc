"""Grade a folder of submissions in parallel, streaming each row into the gradebook as it is ready."""
import os
import pathlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from .gradebook import Gradebook, GradebookError, refuse_replacing, refuse_unsafe_path, row_name
from .grader import grade_submission
from .policy import batch_isolation
from .report import batch_line, grader_failed, terminal_safe

SHOWN_LEFT_OUT = 20  # names of files left out that a batch prints at most


def scan(folder):
    """Return ([(gradebook name, path)] of every notebook under ``folder`` (a name ending in .ipynb, in any case;
    checkpoints left out), and the gradebook names of the other files; both sorted by name."""
    found, others = [], []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
        for file in files:
            path = pathlib.Path(root, file)
            name = row_name(path.relative_to(folder))
            if file.lower().endswith(".ipynb"):
                found.append((name, path))
            else:
                others.append(name)
    return sorted(found), sorted(others)


def submissions(folder):
    """Return [(gradebook name, path)] of every notebook under ``folder``, sorted by name (see scan)."""
    return scan(folder)[0]


def check_batch(folder, csv_path, template_path, resume=False, overwrite=False):
    """Before anything is written or started: refuse (GradebookError) a folder with no notebook, a gradebook that
    could overwrite a notebook or that exists without --resume or --overwrite; print the files left out."""
    found, others = scan(folder)
    if not found:
        raise GradebookError(terminal_safe(f"{os.fspath(folder)} holds no notebook (no file whose name ends in "
                                           ".ipynb): check the folder. Nothing was graded or written."))
    refuse_unsafe_path(csv_path, folder, [template_path, *(path for _, path in found)])
    refuse_replacing(csv_path, os.path.isfile(csv_path) and os.path.getsize(csv_path) > 0, resume, overwrite)
    if others:
        shown = ", ".join(f'"{name}"' for name in others[:SHOWN_LEFT_OUT])
        more = f" and {len(others) - SHOWN_LEFT_OUT} more" if len(others) > SHOWN_LEFT_OUT else ""
        print(terminal_safe(f"Left out of the gradebook, {len(others)} file(s) whose name does not end in .ipynb: "
                            f"{shown}{more}. Rename any that is a submission."), file=sys.stderr)


def grade_folder(folder, template, csv_path, jobs=2, lenient=False, timeout=60.0, isolate="auto", resume=False,
                 overwrite=False, out=None):
    """Grade every notebook under ``folder``; return {gradebook name: verdict}; raise IsolationRefused first if need be.

    A verdict on which the grader failed (report.grader_failed) gets no row, so --resume grades it again.
    """
    mode, out = batch_isolation(isolate), sys.stdout if out is None else out
    verdicts = {}
    with Gradebook(csv_path, template.graded, resume=resume, overwrite=overwrite, isolated=mode != "off") as gradebook:
        todo = [(name, path) for name, path in submissions(folder) if name not in gradebook.done]
        skipped = len(gradebook.done)
        start = time.monotonic()
        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            pending = {pool.submit(grade_submission, path, template, lenient, timeout, mode): name for name, path in todo}
            for future in as_completed(pending):
                name, verdict = pending[future], future.result()
                if not grader_failed(verdict):
                    gradebook.write(name, verdict)
                verdicts[name] = verdict
                print(batch_line(name, verdict), file=out, flush=True)
        finally:  # on Ctrl-C, start nothing new; submissions already running end within their time limit
            pool.shutdown(wait=True, cancel_futures=True)
        seconds = time.monotonic() - start
    note = f" ({skipped} already in the gradebook, skipped)" if resume else ""
    failed = sum(map(grader_failed, verdicts.values()))
    rerun = f" {failed} got no row because the grader failed (listed above): rerun with --resume." if failed else ""
    print(terminal_safe(f"Graded {len(todo) - failed} notebook(s) in {seconds:.1f} s{note}; wrote {csv_path}.{rerun}"),
          file=out)
    return verdicts
