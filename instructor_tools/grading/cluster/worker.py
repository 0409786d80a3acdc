"""What runs on a Dask worker: the check before a batch, and the task that grades one submission."""
import os
import pathlib
import shutil

from ...notebook_files import display_name
from ..grader import grade_submission, map_strings
from ..processes import owned_folder
from ..sandbox import isolation


def worker_check(isolate, folder=None):
    """Run on each worker before a batch: return (isolated, why not or how, sees the folder or None)."""
    chosen = isolation("auto" if isolate == "required" else isolate)
    return chosen.isolated, chosen.reason or chosen.describe(), (os.path.isdir(folder) if folder else None)


def hold(value):
    """Return ``value``: a task that keeps the template on the cluster, recomputed if its worker dies."""
    return value


def grade_task(shown, source, template, lenient, timeout, isolate):
    """Grade one submission from its path on this worker (str) or its content (bytes); name it ``shown`` in the verdict."""
    isolation(isolate)  # "required" on a worker that cannot isolate: raise, grade nothing, and the client writes no row
    if isinstance(source, str) and not os.path.lexists(source):  # a folder not shared with this worker: no row
        raise FileNotFoundError(f"{display_name(source)} is not visible on this worker; share the folder at the "
                                "same path on every worker, or use --ship bytes")
    scratch, path = owned_folder("grade-submission-"), source
    try:
        if isinstance(source, bytes):
            path = pathlib.Path(scratch, "submission.ipynb")
            path.write_bytes(source)
        verdict = grade_submission(path, template, lenient=lenient, timeout=timeout, isolate=isolate)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    old = display_name(path)
    return verdict if old == shown else map_strings(verdict, lambda text: text.replace(old, shown))
