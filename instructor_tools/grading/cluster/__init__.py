"""Grade a folder on a Dask cluster: one task per submission, graded by the same ``grade_submission`` and sandbox.

    initlab-grade FOLDER --csv gradebook.csv --scheduler local:4              (a LocalCluster here)
    initlab-grade FOLDER --csv gradebook.csv --scheduler tcp://HOST:8786      (a running scheduler)
    initlab-grade FOLDER --csv gradebook.csv --scheduler scheduler.json       (its scheduler file)

Dask is optional (``pip install -e '.[cluster]'``) and imported only when a cluster is used.
Rows stream into the same ``Gradebook`` as a local batch, in completion order; ``--resume``
continues a stopped run. docs/cluster.md explains --ship, lost workers and the recipes.

Modules: setup (Dask, --scheduler, the worker check), worker (what runs on a worker), driver
(tasks in flight, suspects regraded alone), progress (counts and printed lines), command (--scheduler).
"""
from .command import check_scheduler, grade_on_scheduler
from .driver import grade_folder_on_cluster, grade_into, shipped
from .progress import summary_line
from .setup import ClusterError, ClusterLost, connect, local_cluster, parse_scheduler, require_dask

__all__ = ["check_scheduler", "grade_on_scheduler", "grade_folder_on_cluster", "grade_into", "shipped", "summary_line",
           "ClusterError", "ClusterLost", "connect", "local_cluster", "parse_scheduler", "require_dask"]
