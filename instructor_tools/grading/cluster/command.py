"""``--scheduler``: grade a folder on a Dask cluster from the command line (cli.py turns errors into exit statuses)."""
import os
import sys

from ..gradebook import Gradebook
from .driver import grade_into
from .progress import summary_line
from .setup import ClusterError, ClusterLost, connect, parse_scheduler, require_dask

LOCAL_GIVE_UP = 300.0  # local:N: seconds without any live worker before the batch stops


def check_scheduler(spec):
    """Return the kind of ``spec`` ("local", "file" or "address"); raise ClusterError if Dask or the value is unusable."""
    require_dask()
    try:
        return parse_scheduler(spec)[0]
    except ValueError as error:
        raise ClusterError(str(error)) from None


def grade_on_scheduler(spec, folder, csv_path, template, ship="auto", isolate="auto", resume=False, overwrite=False,
                       lenient=False, timeout=60.0, out=None):
    """Grade ``folder`` on the cluster ``spec`` into the gradebook ``csv_path``; return the exit status.

    Raise ClusterError (or GradebookError) for a run that cannot start: nothing is graded, and a
    gradebook this call created is removed again. Return 1 when the cluster was lost or some
    submission got no row, else 0.
    """
    out = sys.stdout if out is None else out
    kind = check_scheduler(spec)
    ship = ship if ship != "auto" else ("path" if kind == "local" else "bytes")
    mode = "off" if isolate == "off" else "required"  # auto: every worker must isolate (fail closed)
    fresh = not (os.path.exists(csv_path) and os.path.getsize(csv_path) > 0)
    gradebook = Gradebook(csv_path, list(template.graded), resume=resume, overwrite=overwrite, isolated=mode != "off")
    client = cluster = None
    try:
        client, cluster = connect(spec)
        summary = grade_into(gradebook, folder, template, client, ship=ship, lenient=lenient, timeout=timeout,
                             isolate=mode, out=out, give_up=LOCAL_GIVE_UP if kind == "local" else None)
    except ClusterLost as error:
        print(f"Stopped: {error}", file=sys.stderr)
        return 1
    except ClusterError:
        gradebook.close()
        if fresh and not gradebook.done:  # leave no empty gradebook behind a run that never started
            os.remove(csv_path)
        raise
    finally:
        gradebook.close()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    print(summary_line(summary, csv_path), file=out, flush=True)
    if summary["not_isolated"]:
        print(f"WARNING: {summary['not_isolated']} submission(s) were graded WITHOUT isolation (--isolation off); "
              "their learner code ran with the rights of the Dask workers.", file=sys.stderr)
    return 1 if summary["failed"] else 0
