"""Numbers about the inside of the network: gradients, saturation, step sizes, the trace over training."""
import numpy as np

from init_utils import History, backward_propagation, forward_propagation, train
from init_utils.inspection import blocked_share, healthy_costs, layer_statistics, output_shares, training_trace
from reference import REFERENCE


def test_zeros_have_zero_gradients_and_one_distinct_unit_per_layer(data):
    X, Y, _, _ = data
    parameters = REFERENCE["zeros"]([2, 10, 5, 1])
    stats = layer_statistics(parameters, X, Y)
    assert [s.grad_norm for s in stats] == [0.0, 0.0, 0.0] and [s.weight_norm for s in stats] == [0.0, 0.0, 0.0]
    assert [s.distinct_units for s in stats] == [1, 1, 1]
    assert output_shares(parameters, X, Y) == (0.0, 0.0)  # every output is exactly 0.5


def test_large_random_start_is_saturated_with_exploding_gradients(data):
    X, Y, _, _ = data
    x10, he = REFERENCE["random"]([2, 10, 5, 1]), REFERENCE["he"]([2, 10, 5, 1])
    saturated, wrong = output_shares(x10, X, Y)
    assert saturated == 1.0 and wrong == 0.5  # all outputs at 1; the 150 class-0 points are wrong
    grad_norms = {name: [s.grad_norm for s in layer_statistics(p, X, Y)] for name, p in (("x10", x10), ("he", he))}
    assert min(grad_norms["x10"]) > 100 * max(grad_norms["he"])


def test_gradient_and_weight_norms_are_the_frobenius_norms_and_steps_their_ratio(data):
    X, Y, _, _ = data
    history = train(X, Y, REFERENCE["he"]([2, 10, 5, 1]), num_iterations=1, print_cost=False)
    parameters = history.snapshots[0]
    grads = backward_propagation(X, Y, forward_propagation(X, parameters)[1])
    expected = [np.sqrt(np.sum(grads[f"dW{l}"] ** 2)) for l in (1, 2, 3)]
    weights = [np.sqrt(np.sum(parameters[f"W{l}"] ** 2)) for l in (1, 2, 3)]
    stats = layer_statistics(parameters, X, Y)
    np.testing.assert_allclose([s.grad_norm for s in stats], expected, rtol=1e-12)
    np.testing.assert_allclose([s.weight_norm for s in stats], weights, rtol=1e-12)
    (point,) = training_trace(history, X, Y, [0])
    np.testing.assert_allclose(point.relative_steps, [0.01 * g / w for g, w in zip(expected, weights)], rtol=1e-12)


def test_output_shares_use_the_margin_on_both_sides():
    parameters = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    X = np.array([[-10.0, -1.0, 0.0, 10.0]])  # a single sigmoid layer: a = sigmoid(x)
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    saturated, wrong = output_shares(parameters, X, Y, margin=1e-3)
    assert saturated == 0.5 and wrong == 0.25


def test_trace_reads_the_snapshot_taken_at_or_before_each_iteration(data):
    X, Y, _, _ = data
    history = train(X, Y, REFERENCE["he"]([2, 10, 5, 1]), num_iterations=500, print_cost=False, record_every=100)
    points = training_trace(history, X, Y, [0, 150, 500])
    assert [p.iteration for p in points] == [0, 100, 500]
    assert points[0].weight_norms == [s.weight_norm for s in layer_statistics(history.snapshots[0], X, Y)]
    assert points[2].relative_steps == [0.01 * s.grad_norm / s.weight_norm for s in layer_statistics(history.parameters, X, Y)]
    assert (points[1].saturated, points[1].confidently_wrong) == output_shares(history.snapshots[1], X, Y)


def test_blocked_share_counts_examples_no_unit_of_the_last_hidden_layer_passes():
    # One hidden ReLU unit computing x: examples with x <= 0 reach the output through no path.
    parameters = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1)), "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}
    assert blocked_share(parameters, np.array([[-2.0, 0.0, 1.0, 3.0]])) == 0.5
    assert blocked_share(REFERENCE["zeros"]([2, 10, 5, 1]), np.ones((2, 4))) == 1.0


def test_healthy_costs_end_where_the_parameters_in_use_broke(data):
    X, Y, _, _ = data
    history = train(X, Y, REFERENCE["he"]([2, 10, 5, 1]), num_iterations=300, print_cost=False, record_every=100)
    healthy = lambda: np.isfinite(healthy_costs(history)).tolist()  # noqa: E731
    assert healthy() == [True] * 4  # iterations 0, 100, 200 and the final 300
    history.diverged_at = 250
    assert healthy() == [True] * 3 + [False]
    history.diverged_at = 200  # the parameters in use at 200 are already broken
    assert healthy() == [True] * 2 + [False] * 2


def test_healthy_costs_skip_infinite_costs_and_what_follows_a_divergence():
    run = History([np.inf], [0], [{}] * 4, [0, 100, 200, 300], [np.inf, 0.5, 0.2, 0.0], {}, 0.01, 300)
    np.testing.assert_array_equal(healthy_costs(run), [np.nan, 0.5, 0.2, 0.0])
    run.diverged_at = 250  # the snapshot at 300 holds NaN weights: its cost of 0 means nothing
    np.testing.assert_array_equal(healthy_costs(run), [np.nan, 0.5, 0.2, np.nan])
    run.diverged_at = 3
    assert np.isnan(healthy_costs(run)).all()
