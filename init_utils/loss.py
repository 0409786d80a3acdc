"""Binary cross-entropy cost, as the course computes it and a stable variant. Imports only numpy."""
import math

import numpy as np


def compute_loss(a3, Y):
    """Return the mean cross-entropy of predictions a3 (1, m) against labels Y (1, m).

    Terms are added skipping NaN, as the course's nansum does, so an output that saturated
    at exactly 0 or 1 on the wrong side gives ``inf``: that is log(0), not a bug here.
    """
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    return 1.0 / m * nansum_exact(logprobs)


def nansum_exact(values):
    """Return the sum of the non-NaN values, correctly rounded (the same on every CPU).

    np.nansum's rounding depends on the CPU's SIMD width; math.fsum's does not. With all
    300 terms equal to ln 2 (the zeros run) the cost then prints ln 2 on every machine.
    """
    values = np.asarray(values, dtype=np.float64)
    kept = values[~np.isnan(values)]
    if not np.all(np.isfinite(kept)):
        return np.float64(np.sum(kept))  # inf (or inf - inf = nan), as nansum gives
    return np.float64(math.fsum(kept.ravel()))


def compute_loss_from_logits(zL, Y):
    """Return the same cost computed from the output layer's pre-activation zL (1, m).

    Numerically stable: uses log(1 + exp(z)) via logaddexp, so it stays finite where
    ``compute_loss`` gives ``inf``. Use it to see how wrong a saturated network really is.
    """
    m = Y.shape[1]
    return float(np.sum(Y * np.logaddexp(0, -zL) + (1 - Y) * np.logaddexp(0, zL)) / m)
