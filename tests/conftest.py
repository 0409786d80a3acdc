import os
import sys

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, os.path.dirname(__file__))

import pytest  # noqa: E402

from init_utils import load_dataset  # noqa: E402


@pytest.fixture(scope="session")
def data():
    """The course's circles: ``train_X, train_Y, test_X, test_Y``."""
    return load_dataset(plot=False)
