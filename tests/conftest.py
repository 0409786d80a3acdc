import os
import sys

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, os.path.dirname(__file__))

import pytest  # noqa: E402

from init_utils import load_dataset  # noqa: E402

# `make test` runs `pytest -n 2 --dist loadfile --no-loadscope-reorder`: each file runs whole on one worker
# (nbval's cells of the solved notebook in order, in one kernel; module fixtures such as a JupyterLab server
# or a Dask cluster start once), and files are handed out in collection order. The slowest go first, so that
# neither worker is left alone with one at the end.
SLOWEST_FIRST = ["test_cluster.py", "test_browser.py", "Initialization_solution.ipynb", "test_notebooks.py",
                 "test_grader.py", "test_grader_hostile.py", "test_wheel.py", "test_sandbox.py"]


def pytest_collection_modifyitems(items):
    rank = {name: position for position, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


@pytest.fixture(scope="session")
def data():
    """The course's circles: ``train_X, train_Y, test_X, test_Y``."""
    return load_dataset(plot=False)
