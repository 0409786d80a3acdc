"""Grade a folder of submissions in parallel, streaming each row into the gradebook as it is ready."""
import os
import pathlib
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from .gradebook import Gradebook, row_name
from .grader import grade_submission
from .policy import batch_isolation
from .report import batch_line, terminal_safe


def submissions(folder):
    """Return [(gradebook name, path)] of every *.ipynb under ``folder``, checkpoints left out, sorted by name."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
        for file in files:
            if file.endswith(".ipynb"):
                path = pathlib.Path(root, file)
                found.append((row_name(path.relative_to(folder)), path))
    return sorted(found)


def grade_folder(folder, template, csv_path, jobs=2, lenient=False, timeout=60.0, isolate="auto", resume=False,
                 overwrite=False, out=sys.stdout):
    """Grade every notebook under ``folder``; return {gradebook name: verdict} for the ones graded now.

    Fails closed (see policy.py): raise IsolationRefused, before anything is written, when this
    machine cannot isolate learner code and ``isolate`` is not "off".
    """
    mode = batch_isolation(isolate)
    names = list(template.graded)
    verdicts = {}
    with Gradebook(csv_path, names, resume=resume, overwrite=overwrite, isolated=mode != "off") as gradebook:
        todo = [(name, path) for name, path in submissions(folder) if name not in gradebook.done]
        skipped = len(gradebook.done)
        start = time.monotonic()
        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            pending = {pool.submit(grade_submission, path, template, lenient, timeout, mode): name
                       for name, path in todo}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = pending.pop(future)
                    verdict = future.result()
                    gradebook.write(name, verdict)
                    verdicts[name] = verdict
                    print(batch_line(name, verdict), file=out, flush=True)
        finally:  # on Ctrl-C, start nothing new; submissions already running end within their time limit
            pool.shutdown(wait=True, cancel_futures=True)
        seconds = time.monotonic() - start
    note = f" ({skipped} already in the gradebook, skipped)" if resume else ""
    print(terminal_safe(f"Graded {len(todo)} notebook(s) in {seconds:.1f} s{note}; wrote {csv_path}."), file=out)
    return verdicts
