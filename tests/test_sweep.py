"""The weight-scale sweep: which scales, what each run starts from, and what it measures."""
import numpy as np
import pytest

from init_utils import compute_loss_from_logits, forward_propagation, output_logits, train
from init_utils.prediction import accuracy, predict_dec
from init_utils.schemes import SCALES, scaled_normal
from init_utils.sweep import SWEEP_SCALES, SweepPoint, named_points, scale_sweep, valley_floor
from reference import REFERENCE


def test_sweep_covers_a_log_range_with_at_least_20_scales_including_the_named_factors():
    scales = np.array(SWEEP_SCALES)
    assert len(scales) >= 20 and scales[0] == 0.001 and scales[-1] == 100.0
    np.testing.assert_allclose(np.diff(np.log10(scales)), 0.2, rtol=1e-12)
    for exact in (0.01, 1.0, 10.0):
        assert exact in SWEEP_SCALES


def test_scale_10_and_he_start_from_the_exercises_own_weights():
    for key, value in scaled_normal([2, 10, 5, 1], lambda n_l, n_prev: 10.0).items():
        np.testing.assert_array_equal(value, REFERENCE["random"]([2, 10, 5, 1])[key])
    for key, value in scaled_normal([2, 10, 5, 1], SCALES["He"].factor).items():
        np.testing.assert_allclose(value, REFERENCE["he"]([2, 10, 5, 1])[key], rtol=1e-15, atol=0)


def test_each_point_measures_the_trained_network_after_its_last_step(data):
    X, Y, test_X, test_Y = data
    points = scale_sweep(X, Y, test_X, test_Y, scales=(0.5, 2.0), num_iterations=300)
    for point, scale in zip(points, (0.5, 2.0)):
        history = train(X, Y, scaled_normal([2, 10, 5, 1], lambda n_l, n_prev: scale), num_iterations=300,
                        print_cost=False)
        _, cache = forward_propagation(X, history.parameters)
        assert point.layer_scales == [scale] * 3
        assert point.final_cost == pytest.approx(compute_loss_from_logits(output_logits(cache), Y), rel=1e-9)
        assert point.train_accuracy == accuracy(predict_dec(history.parameters, X), Y)
        assert point.test_accuracy == accuracy(predict_dec(history.parameters, test_X), test_Y)


def test_start_saturation_is_measured_before_training(data):
    X, Y, test_X, test_Y = data
    small, large = scale_sweep(X, Y, test_X, test_Y, scales=(0.01, 10.0), num_iterations=1)
    assert small.start_saturated == 0.0 and large.start_saturated == 1.0  # x10: every output exactly 1


def test_tiny_weights_stall_at_ln2_like_zeros(data):
    X, Y, test_X, test_Y = data
    (point,) = scale_sweep(X, Y, test_X, test_Y, scales=(0.001,), num_iterations=2000)
    assert point.final_cost == pytest.approx(np.log(2), abs=1e-5)


def test_named_points_carry_one_scale_per_layer(data):
    X, Y, test_X, test_Y = data
    points = named_points(X, Y, test_X, test_Y, num_iterations=10)
    assert [p.label for p in points] == ["He", "LeCun", "Xavier/Glorot"]
    np.testing.assert_allclose(points[0].layer_scales, [1.0, np.sqrt(0.2), np.sqrt(0.4)])
    np.testing.assert_allclose(points[1].layer_scales, [np.sqrt(0.5), np.sqrt(0.1), np.sqrt(0.2)])
    np.testing.assert_allclose(points[2].layer_scales, [np.sqrt(2 / 12), np.sqrt(2 / 15), np.sqrt(2 / 6)])


def test_named_points_refuse_a_scheme_the_table_does_not_name(data):
    X, Y, test_X, test_Y = data
    with pytest.raises(ValueError, match=r"unknown schemes \['Xavier'\]; choose among"):
        named_points(X, Y, test_X, test_Y, schemes=("He", "Xavier"), num_iterations=1)


def test_valley_floor_keeps_the_runs_within_the_factor_of_the_lowest_final_cost_in_order():
    points = [SweepPoint(str(s), [s] * 3, cost, 0.9, 0.9, 0.0) for s, cost in
              ((0.1, 0.69), (0.3, 0.45), (1.0, 0.06), (3.0, 0.12), (10.0, 0.38), (0.5, 0.121))]
    assert [p.label for p in valley_floor(points)] == ["1.0", "3.0"]
    assert [p.label for p in valley_floor(points, factor=2.1)] == ["1.0", "3.0", "0.5"]
