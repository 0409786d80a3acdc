"""Grade a folder on a Dask cluster (``--scheduler``; docs/cluster.md). Dask is imported only in this package."""
from .driver import grade_folder_on_cluster, grade_on_scheduler, shipped
from .setup import ClusterError, ClusterLost, check_scheduler, local_cluster

__all__ = ["check_scheduler", "grade_on_scheduler", "grade_folder_on_cluster", "shipped", "ClusterError", "ClusterLost",
           "local_cluster"]
