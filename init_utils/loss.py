"""Binary cross-entropy cost, as the course computes it and a stable variant. Imports only numpy."""
import math

import numpy as np


def compute_loss(a3, Y):
    """Return the mean cross-entropy of predictions a3 (1, m) against labels Y (1, m), skipping NaN terms.

    An output saturated at exactly 0 or 1 on the wrong side gives ``inf``, log(0), as in the course.
    """
    if np.ndim(Y) != 2 or np.shape(a3) != np.shape(Y):
        raise ValueError(f"compute_loss needs a3 and Y of the same shape (1, m), one column per example; got a3 "
                         f"{np.shape(a3)} and Y {np.shape(Y)}. Reshape a 1-D array with .reshape(1, -1).")
    return 1.0 / np.shape(Y)[1] * nansum_exact(_cross_entropy_terms(a3, Y))


def compute_losses(outputs, Y):
    """Return compute_loss of each row of outputs (k, m) against Y (1, m), as a list of k floats."""
    m = Y.shape[1]
    terms = _cross_entropy_terms(outputs, Y)
    finite = np.isfinite(terms).all(axis=1)  # the common case, summed without masking
    return [1.0 / m * (math.fsum(row.tolist()) if ok else float(nansum_exact(row))) for row, ok in zip(terms, finite)]


def _cross_entropy_terms(a, Y):
    """Return each example's cross-entropy (inf where a saturated on the wrong side, nan at 0 * log 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.multiply(-np.log(a), Y) + np.multiply(-np.log(1 - a), 1 - Y)


def nansum_exact(values):
    """Return the sum of the non-NaN values, correctly rounded (the same on every CPU).

    np.nansum's rounding depends on the CPU's SIMD width; math.fsum's does not, so the zeros
    run's 300 terms of ln 2 print ln 2 on every machine.
    """
    values = np.asarray(values, dtype=np.float64)
    kept = values[~np.isnan(values)]
    if not np.all(np.isfinite(kept)):
        return np.float64(np.sum(kept))  # inf (or inf - inf = nan), as nansum gives
    return np.float64(math.fsum(kept.ravel()))


def compute_loss_from_logits(zL, Y):
    """Return the same cost from the output's pre-activation zL (1, m), finite where ``compute_loss`` gives inf."""
    return float(np.sum(Y * np.logaddexp(0, -zL) + (1 - Y) * np.logaddexp(0, zL)) / Y.shape[1])
