import warnings

import numpy as np
import pytest

from init_utils import compute_loss, compute_loss_from_logits, sigmoid
from init_utils.loss import compute_losses


def test_compute_loss_matches_hand_computed_cross_entropy():
    a3 = np.array([[0.9, 0.2, 0.6]])
    Y = np.array([[1, 0, 1]])
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3
    assert np.isclose(compute_loss(a3, Y), expected, rtol=1e-15)


def test_compute_loss_is_ln2_for_outputs_of_one_half():
    assert compute_loss(np.full((1, 4), 0.5), np.array([[0, 1, 0, 1]])) == 0.6931471805599453


def test_saturated_wrong_output_gives_inf_like_the_course_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = compute_loss(np.array([[1.0, 0.0, 0.7]]), np.array([[0, 0, 1]]))
    assert loss == np.inf


def test_stable_loss_is_finite_where_course_loss_is_inf():
    z = np.array([[40.0, -3.0]])
    Y = np.array([[0, 0]])
    assert compute_loss(sigmoid(z), Y) == np.inf
    stable = compute_loss_from_logits(z, Y)
    assert np.isfinite(stable) and np.isclose(stable, (40.0 + np.log1p(np.exp(-40.0)) + np.log1p(np.exp(-3.0))) / 2)


def test_stable_loss_agrees_with_course_loss_when_nothing_saturates():
    z = np.array([[0.3, -1.2, 2.0, 0.0]])
    Y = np.array([[1, 0, 0, 1]])
    assert np.isclose(compute_loss_from_logits(z, Y), compute_loss(sigmoid(z), Y), rtol=1e-12)


def test_compute_losses_gives_compute_loss_of_every_row():
    rng = np.random.default_rng(4)
    Y = (rng.random((1, 50)) > 0.5).astype(float)
    outputs = np.vstack([rng.random((3, 50)), np.where(Y > 0, 0.0, 1.0), np.full((1, 50), 0.5)])  # saturated, 0.5
    assert compute_losses(outputs, Y) == [float(compute_loss(row[None, :], Y)) for row in outputs]
    assert compute_losses(outputs, Y)[3] == np.inf and compute_losses(outputs, Y)[4] == 0.6931471805599453


@pytest.mark.parametrize("a3, Y", [(np.full(4, 0.5), np.array([0, 1, 0, 1])),
                                   (np.full((4, 1), 0.5), np.array([[0, 1, 0, 1]]))], ids=["1-D arrays", "a3 transposed"])
def test_compute_loss_with_misshaped_arrays_says_both_must_be_1_by_m(a3, Y):
    with pytest.raises(ValueError, match=r"a3 and Y of the same shape \(1, m\).*Reshape"):
        compute_loss(a3, Y)
