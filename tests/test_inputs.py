"""The checks of what a learner passes: data X, Y of any real dtype with labels 0 and 1, parameters' keys; how IPython shows a
refusal. Other refusals: test_training.py."""
import os
import subprocess
import sys

import numpy as np
import pytest

from init_utils.inputs import TrainingInputError, article, check_data, check_training_inputs, count

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_check_data_accepts_bool_int_and_float_labels(data):
    train_X, train_Y, _, _ = data
    for Y in (train_Y.astype(bool), train_Y.astype(np.int64), train_Y.astype(np.float32)):
        assert check_data(train_X, Y) is None


def test_counts_and_articles_read_as_english():
    assert (count(1, "layer"), count(3, "layer")) == ("1 layer", "3 layers")
    assert (article("list"), article("int"), article("ndarray")) == ("a list", "an int", "an ndarray")


def test_a_number_passed_as_data_is_called_an_int(data):
    with pytest.raises(TrainingInputError, match="got an int"):
        check_data(5, data[1])


def ipython_shows(*cells):
    """Run ``cells`` in a fresh IPython InteractiveShell, in its own process, as a notebook would; return all it printed."""
    script = ("from IPython.core.interactiveshell import InteractiveShell\nshell = InteractiveShell.instance()\n"
              + "".join(f"shell.run_cell({c!r})\n" for c in cells))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": ROOT, "MPLBACKEND": "Agg"})
    return done.stdout + done.stderr


ONE_UNIT = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
THREE_LAYERS = {"W1": np.zeros((3, 2)), "b1": np.zeros((3, 1)), "W2": np.zeros((2, 3)), "b2": np.zeros((2, 1)),
                "W3": np.zeros((1, 2)), "b3": np.zeros((1, 1))}
WRONG_KEYS = {
    "forgot every bias": ({k: v for k, v in THREE_LAYERS.items() if k[0] == "W"},
                          "b1, b2, b3 are missing: every layer needs a bias, np.zeros((layers_dims[l], 1))"),
    "forgot every weight": ({k: v for k, v in THREE_LAYERS.items() if k[0] == "b"},
                            "W1, W2, W3 are missing: every layer needs weights"),
    "forgot b3 only": ({k: v for k, v in THREE_LAYERS.items() if k != "b3"}, "b3 is missing: every layer needs a bias"),
    "a lower-case key": ({**ONE_UNIT, "w2": np.zeros((1, 1))}, "'W1', 'b1', 'W2', 'b2', ...: one weight matrix and one "
                         "bias per layer, numbered from 1; 'w2' does not fit (keys are case-sensitive: 'W2', not 'w2')."),
    "every weight in lower case": ({"w1": 0, "b1": 0, "w2": 0, "b2": 0}, "'w1', 'w2' do not fit (keys are case-sensitive: "
                                   "'W1', not 'w1'). Also, W1, W2 are missing."),
    "a bias in upper case": ({"W1": 0, "B1": 0}, "'B1' does not fit (keys are case-sensitive: 'b1', not 'B1'). Also, b1"),
    "a trailing space": ({"W1 ": 0, "b1": 0}, "'W1 ' does not fit. Also, W1 is missing."),
    "keys from 0": ({**ONE_UNIT, "W0": 0, "b0": 0}, "numbered from 1; 'W0', 'b0' do not fit."),
    "a W0 key and a missing W2": ({**ONE_UNIT, "W0": 0, "b2": 0}, "'W0' does not fit. Also, W2 is missing."),
}


EMPTY = {
    "an empty dict": ({}, "got an empty dict: your initializer's loop stored nothing (run its self-check)."),
    "not a dict": ([], "got list. Pass the dict your initializer returned."),
}


@pytest.mark.parametrize("parameters, message", EMPTY.values(), ids=list(EMPTY))
def test_train_says_an_empty_dict_means_the_initializers_loop_stored_nothing(data, parameters, message):
    with pytest.raises(TrainingInputError) as raised:
        check_training_inputs(*data[:2], parameters, 0.01, 1, 1)
    assert str(raised.value) == "parameters must be a non-empty dict like {'W1': ..., 'b1': ...}, " + message


@pytest.mark.parametrize("parameters, message", WRONG_KEYS.values(), ids=list(WRONG_KEYS))
def test_train_names_the_keys_an_initializer_left_out_for_its_own_number_of_layers(data, parameters, message):
    with pytest.raises(TrainingInputError) as raised:
        check_training_inputs(*data[:2], parameters, 0.01, 1, 1)
    assert message in str(raised.value) and "exactly the keys ['W1', 'b1']" not in str(raised.value)


def test_a_training_input_error_shows_in_ipython_as_its_message_without_kit_frames():
    shown = ipython_shows("import numpy as np\nfrom init_utils import train",
                          "train(np.zeros((2, 3)), np.zeros((1, 3)), {'W1': np.zeros((1, 2))}, print_cost=False)")
    assert "TrainingInputError: b1 is missing: every layer needs a bias" in shown, shown
    assert "init_utils" + os.sep not in shown and ".py" not in shown, shown
