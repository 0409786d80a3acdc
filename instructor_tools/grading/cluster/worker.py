"""What runs on a Dask worker: the check before a batch, and the task that grades one submission."""
import os
import shutil
import tempfile

from ...notebook_files import display_name
from ..grader import grade_submission
from ..sandbox import isolation


def worker_check(isolate, folder=None):
    """Run on each worker before a batch: return (isolated, why not or how, sees the folder or None)."""
    chosen = isolation("auto" if isolate == "required" else isolate)
    return chosen.isolated, chosen.reason or chosen.describe(), (os.path.isdir(folder) if folder else None)


def hold(value):
    """Return ``value``: a task that keeps the template on the cluster, recomputed if its worker dies."""
    return value


def grade_task(shown, source, template, lenient, timeout, isolate):
    """Grade one submission on a worker; ``source`` is its path there (str) or its content (bytes).

    Texts in the verdict that name the file the worker read name ``shown`` instead (the local batch's name).
    Raise RuntimeError, and grade nothing, when ``isolate`` is "required" and this worker cannot isolate:
    the client then reports the submission as not graded instead of writing a row.
    """
    isolation(isolate)
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
