"""The variance argument, computed: per-layer RMS through a deep ReLU stack against the closed form."""
import numpy as np
import pytest

from init_utils.schemes import SCALES
from init_utils.variance import INPUTS, SEED, TOP_GRADIENT, WEIGHTS, ReluStack, layer_factor

WIDTH, DEPTH = 256, 40
# How far a measured per-layer factor may stray from the closed form, in log units. One layer
# multiplies a mean square over WIDTH independent units by relu(z)^2's mean; relu(z)^2 has a
# relative variance of 5 (E[relu^4] = 3v^2/2 against a mean of v/2), so the log of one layer's
# factor has a std of at most sqrt(5 / WIDTH) even if all samples were one (deep stacks pull
# them together). Over DEPTH layers the per-layer log factor has std <= sqrt(5 / (WIDTH * DEPTH))
# = 0.022; allow 4 of those plus Jensen's bias of the log, 5 / (2 WIDTH) = 0.0098.
TOLERANCE = 4 * np.sqrt(5 / (WIDTH * DEPTH)) + 5 / (2 * WIDTH)


@pytest.fixture(scope="module")
def stack():
    return ReluStack(WIDTH)


def measured_factors(stack, scale):
    """Per-layer factor of the mean square over all DEPTH layers, forward and backward (inputs have RMS 1)."""
    activation, gradient = stack.rms(DEPTH, scale)
    return activation[-1] ** (2 / DEPTH), gradient[0] ** (2 / DEPTH)


@pytest.mark.parametrize("name, factor", [("He", 1.0), ("LeCun", 0.5), ("Xavier/Glorot", 0.5), ("x0.01", 0.0128),
                                          ("x1", 128.0)])
def test_each_named_scale_multiplies_the_mean_square_by_n_s2_over_2_per_layer(stack, name, factor):
    assert layer_factor(SCALES[name].factor, WIDTH) == pytest.approx(factor)
    for measured in measured_factors(stack, SCALES[name].factor):
        assert abs(np.log(measured / factor)) < TOLERANCE, (name, measured, factor)


def test_he_keeps_every_layer_near_rms_1_and_lecun_halves_the_rms_every_two_layers(stack):
    he, _ = stack.rms(DEPTH, SCALES["He"].factor)
    assert np.all(np.abs(np.log(he)) < np.sqrt(5 * DEPTH / WIDTH))  # the log's spread after DEPTH layers, at most
    lecun, _ = stack.rms(DEPTH, SCALES["LeCun"].factor)
    every_two = (lecun[-1] / lecun[1]) ** (2 / (DEPTH - 2))
    assert abs(np.log(every_two / 0.5)) < 2 * TOLERANCE


def test_a_plain_scale_c_gives_c_squared_n_over_2(stack):
    for c in (0.05, 0.1, 0.2):
        for measured in measured_factors(stack, c):
            assert abs(np.log(measured / (c * c * WIDTH / 2))) < TOLERANCE


def direct_rms(depth, width, scale, samples=64):
    """Propagate with the scaled weights themselves (float64), drawing what ReluStack draws."""
    stream = lambda *key: np.random.default_rng((SEED, width, *key))  # noqa: E731
    A = stream(INPUTS).standard_normal((width, samples), dtype=np.float32).astype(float)
    weights, masks, forward = [], [], []
    for l in range(1, depth + 1):
        W = stream(WEIGHTS, l).standard_normal((width, width), dtype=np.float32).astype(float)
        W *= np.float32(np.sqrt(2 / width)) * (scale / np.sqrt(2 / width))
        Z = W @ A
        A = np.maximum(Z, 0)
        weights.append(W), masks.append(Z > 0), forward.append(np.sqrt(np.mean(A ** 2)))
    dA, backward = stream(TOP_GRADIENT).standard_normal((width, samples), dtype=np.float32).astype(float), []
    for W, mask in zip(reversed(weights), reversed(masks)):
        dA = W.T @ (dA * mask)
        backward.append(np.sqrt(np.mean(dA ** 2)))
    return np.array(forward), np.array(backward[::-1])


@pytest.mark.parametrize("scale", [0.01, 0.3, 1.0, 3.0])
def test_rescaling_the_he_stack_equals_propagating_with_the_scaled_weights(scale):
    activation, gradient = ReluStack(32, samples=64).rms(6, scale)
    expected_activation, expected_gradient = direct_rms(6, 32, scale)
    np.testing.assert_allclose(activation, expected_activation, rtol=1e-4)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-4)


def test_a_shallow_stack_is_the_first_layers_of_a_deep_one_whatever_was_asked_first():
    deep_first = ReluStack(16, samples=32)
    deep, _ = deep_first.rms(9, 1.0)
    shallow_first = ReluStack(16, samples=32)
    shallow, _ = shallow_first.rms(4, 1.0)
    np.testing.assert_allclose(shallow, deep[:4], rtol=1e-12)
    np.testing.assert_allclose(shallow_first.rms(9, 1.0)[0], deep, rtol=1e-12)
    np.testing.assert_allclose(ReluStack(16, samples=32).rms(9, 1.0)[1], deep_first.rms(9, 1.0)[1], rtol=1e-12)


def test_zero_weights_give_exact_zeros():
    activation, gradient = ReluStack(8, samples=8).rms(3, 0.0)
    assert not activation.any() and not gradient.any()


@pytest.mark.parametrize("call, message", [
    (lambda: ReluStack(0), "width must be a whole number at least 1; got 0"),
    (lambda: ReluStack(8).rms(2.5, 1.0), "depth must be a whole number at least 1; got 2.5"),
    (lambda: ReluStack(8).rms(2, -1.0), "the scale of a 8x8 layer must be a number >= 0, or a callable"),
    (lambda: ReluStack(8).rms(2, lambda n_l, n_prev: float("nan")), "the scale of a 8x8 layer must be a number >= 0"),
    (lambda: ReluStack(8).rms(2, "1"), "the scale of a 8x8 layer must be a number >= 0, or a callable"),
])
def test_bad_sizes_and_scales_say_what_to_change(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()
