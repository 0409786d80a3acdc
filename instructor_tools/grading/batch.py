"""Grade a folder of submissions in parallel, streaming each row into the gradebook as it is ready."""
import os
import pathlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from .gradebook import Gradebook, row_name
from .grader import grade_submission
from .policy import batch_isolation
from .report import batch_line, terminal_safe


def submissions(folder):
    """Return [(gradebook name, path)] of every *.ipynb under ``folder``, checkpoints left out, sorted by name."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
        paths = [pathlib.Path(root, file) for file in files if file.endswith(".ipynb")]
        found += [(row_name(path.relative_to(folder)), path) for path in paths]
    return sorted(found)


def grade_folder(folder, template, csv_path, jobs=2, lenient=False, timeout=60.0, isolate="auto", resume=False,
                 overwrite=False, out=sys.stdout):
    """Grade every notebook under ``folder``; return {gradebook name: verdict}; raise IsolationRefused first if need be."""
    mode = batch_isolation(isolate)
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
                gradebook.write(name, verdict)
                verdicts[name] = verdict
                print(batch_line(name, verdict), file=out, flush=True)
        finally:  # on Ctrl-C, start nothing new; submissions already running end within their time limit
            pool.shutdown(wait=True, cancel_futures=True)
        seconds = time.monotonic() - start
    note = f" ({skipped} already in the gradebook, skipped)" if resume else ""
    print(terminal_safe(f"Graded {len(todo)} notebook(s) in {seconds:.1f} s{note}; wrote {csv_path}."), file=out)
    return verdicts
