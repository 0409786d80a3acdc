import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, os.path.dirname(__file__))

import pytest  # noqa: E402
from filelock import FileLock  # noqa: E402

from init_utils import load_dataset  # noqa: E402

# Files whose module fixtures start something costly (a JupyterLab server and a browser; a Dask cluster):
# under `pytest -n 2 --dist loadgroup` each file runs whole on one worker, so its fixtures start once.
ONE_WORKER_PER_FILE = {"test_browser.py", "test_cluster.py"}


def pytest_itemcollected(item):
    # Marked as each test is collected, before xdist reads the marks (in pytest_collection_modifyitems).
    if item.path.name in ONE_WORKER_PER_FILE:
        item.add_marker(pytest.mark.xdist_group(item.path.stem))


@pytest.fixture(scope="session")
def data():
    """The course's circles: ``train_X, train_Y, test_X, test_Y``."""
    return load_dataset(plot=False)


@pytest.fixture(scope="session")
def executed_solution(tmp_path_factory):
    """The solved notebook, executed once per test run in a fresh kernel (a dict: read it, never change it).

    Under pytest-xdist every worker has its own session, so the first worker to get here executes the
    notebook and caches it in the run's shared temporary folder; the others wait on the lock and read it
    (the pattern of pytest-xdist's documentation).
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return _execute_solution(tmp_path_factory)
    cache = tmp_path_factory.getbasetemp().parent / "executed_solution.ipynb"
    with FileLock(f"{cache}.lock"):
        if not cache.is_file():
            cache.write_text(json.dumps(_execute_solution(tmp_path_factory)), encoding="utf-8")
        return json.loads(cache.read_text(encoding="utf-8"))


def _execute_solution(tmp_path_factory):
    from notebook_tools import SOURCE, execute, load

    notebook, seconds = execute(load(SOURCE), tmp_path_factory.mktemp("solution"))
    print(f"\nfresh execution of the solved notebook: {seconds:.1f} s")
    return notebook
