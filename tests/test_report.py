"""Plain-text tables: labels say what the numbers are, every number in a column has one format."""
import re

import numpy as np
import pytest

from init_utils import History
from init_utils.inspection import TracePoint
from init_utils.deep import DeepRun
from init_utils.report import Collapsible, comparison_table, deep_table, inside_table, layer_rms_table, sweep_table, trace_table
from init_utils.sweep import SweepPoint
from reference import REFERENCE


def history(costs, final_cost, parameters):
    iterations = [1000 * k for k in range(len(costs))]
    return History(costs, iterations, [parameters], [0], [final_cost], parameters, 0.01, 1000 * len(costs))


def test_comparison_table_labels_the_recorded_and_the_final_cost_truthfully(data):
    X, Y, test_X, test_Y = data
    runs = {"zeros": history([np.log(2)] * 15, np.log(2), REFERENCE["zeros"]([2, 10, 5, 1])),
            "x10": history([float("inf")] + [0.5] * 14, 0.381, REFERENCE["random"]([2, 10, 5, 1]))}
    table = comparison_table(runs, X, Y, test_X, test_Y).splitlines()
    assert "cost at 0" in table[0] and "cost at 14000" in table[0] and "after 15000 steps" in table[0]
    assert table[1].split()[1:] == ["0.693", "0.693", "0.693", "50.0%", "50.0%"]
    assert table[2].split()[1:4] == ["inf", "0.500", "0.381"]
    for row in table[1:]:
        assert all(re.fullmatch(r"\d+\.\d%", cell) for cell in row.split()[-2:])


def test_inside_table_has_one_row_per_layer_and_names_identical_units(data):
    X, Y, _, _ = data
    table = inside_table({"zeros": REFERENCE["zeros"]([2, 10, 5, 1]), "He": REFERENCE["he"]([2, 10, 5, 1])}, X, Y)
    rows = table.splitlines()[1:]
    assert len(rows) == 6
    assert "distinct units" in table.splitlines()[0]
    assert "1 of 10" in rows[0] and "10 of 10" in rows[3]


def test_trace_and_sweep_tables_print_each_point():
    trace = trace_table([TracePoint(0, 1.0, 0.5, [0.0187, 0.0112, 0.0676], [43.5, 79.2, 22.9])]).splitlines()
    assert trace[1].split() == ["0", "100.0%", "50.0%", "1.9e-02", "1.1e-02", "6.8e-02", "43.5", "79.2", "22.9"]
    sweep = sweep_table([SweepPoint("He", [1.0, 0.447, 0.632], 0.0648, 0.99333, 0.96, 0.0)]).splitlines()
    assert "saturated at start" in sweep[0]
    assert sweep[1].split() == ["He", "1,", "0.447,", "0.632", "0.0%", "0.065", "99.3%", "96.0%"]


def test_layer_rms_table_gives_closed_form_and_measured_factors_per_layer():
    width, depth = 100, 50
    layers = np.arange(depth)
    # An exact geometric signal: forward RMS 0.5 ** l upwards, gradient RMS 0.5 ** (depth - l) downwards.
    rms = {"LeCun": (0.5 ** layers, 0.5 ** (depth - 1 - layers)), "He": (np.ones(depth), np.ones(depth))}
    lines = layer_rms_table(rms, width).splitlines()
    assert lines[1].split()[:4] == ["weights", "closed", "form", "forward"]
    lecun, he = lines[2].split(), lines[3].split()
    assert lecun[:4] == ["LeCun", "0.707", "0.5", "0.5"] and he[:4] == ["He", "1", "1", "1"]
    assert lecun[4:] == [f"{0.5 ** (l - 1):.2g}" for l in (1, 10, 25, 50)]


def test_collapsible_folds_the_table_in_html_and_prints_it_plainly():
    folded = Collapsible("numbers <here>", "a < b\n1 & 2")
    assert repr(folded) == "a < b\n1 & 2"
    assert folded._repr_html_() == "<details><summary>numbers &lt;here&gt;</summary><pre>a &lt; b\n1 &amp; 2</pre></details>"



def test_deep_table_lowest_cost_skips_infinite_costs_and_what_follows_a_divergence(data):
    X, Y, _, _ = data
    p = REFERENCE["he"]([2, 10, 5, 1])
    run = DeepRun("He", 1, History([np.inf], [0], [p] * 4, [0, 100, 200, 300], [np.inf, 0.5, 0.2, 0.0], p, 0.01, 300))
    assert deep_table([run], X, Y).splitlines()[1].split()[3] == "0.000"
    run.history.diverged_at = 250  # the snapshot at 300 holds NaN weights: its cost of 0 means nothing
    assert deep_table([run], X, Y).splitlines()[1].split()[3] == "0.200"
    run.history.diverged_at = 3
    assert deep_table([run], X, Y).splitlines()[1].split()[3] == "-"


def test_comparison_table_refuses_runs_of_different_lengths_instead_of_mislabelling_them(data):
    X, Y, test_X, test_Y = data
    p = REFERENCE["he"]([2, 10, 5, 1])
    runs = {"He 15000": history([0.9] * 15, 0.1, p), "He 1000": history([0.9], 0.7, p)}
    with pytest.raises(ValueError, match="same length.*'He 15000' ran 15000, 'He 1000' ran 1000"):
        comparison_table(runs, X, Y, test_X, test_Y)


@pytest.mark.parametrize("histories, error, message", [
    ({}, TypeError, r"needs a non-empty dict \{name: History\}"),
    ({"he": History([], [], [{}], [0], [0.7], {}, 0.01, 0)}, ValueError, r"histories\['he'\] recorded no cost"),
    ({"he": REFERENCE["he"]([2, 10, 5, 1])}, TypeError, r"histories\['he'\] must be a History.*not history.parameters"),
], ids=["empty dict", "0 iterations", "parameters dict"])
def test_comparison_table_says_what_to_pass_when_given_something_else(data, histories, error, message):
    X, Y, test_X, test_Y = data
    with pytest.raises(error, match=message):
        comparison_table(histories, X, Y, test_X, test_Y)


def test_comparison_table_refuses_1d_labels_with_trains_message(data):
    X, Y, test_X, test_Y = data
    runs = {"he": history([0.9], 0.7, REFERENCE["he"]([2, 10, 5, 1]))}
    with pytest.raises(ValueError, match="Y must be a 2-D numpy array"):
        comparison_table(runs, X, Y.ravel(), test_X, test_Y)
