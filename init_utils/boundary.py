"""Pure arithmetic behind the explorer's pictures. Imports only numpy.

The explorer shows the course's square view VIEW = [-1.5, 1.5]^2 (every boundary plot of the
package uses it) and costs on a log axis between COST_LIMITS.
"""
import numpy as np

VIEW = (-1.5, 1.5)
COST_LIMITS = (1e-3, 10.0)


def boundary_grid(step, limits=VIEW):
    """Return the cell centres (2, k) of a grid with spacing ``step`` over the square view, and its shape."""
    if not step > 0 or step > limits[1] - limits[0]:
        raise ValueError(f"grid_step must be positive and at most the view's width {limits[1] - limits[0]}; got {step!r}")
    ticks = np.arange(limits[0] + step / 2, limits[1], step)
    xx, yy = np.meshgrid(ticks, ticks)
    return np.vstack([xx.ravel(), yy.ravel()]), xx.shape


def drawable_costs(costs):
    """Return costs as floats with inf and nan replaced by nan, which a line plot leaves out."""
    costs = np.asarray(costs, dtype=float)
    return np.where(np.isfinite(costs), costs, np.nan)


def marker_cost(cost):
    """Return where a cost marker sits on the log axis: clipped into COST_LIMITS (inf at the top)."""
    return float(np.clip(cost if not np.isnan(cost) else COST_LIMITS[1], *COST_LIMITS))


def frame_indices(n_snapshots, every):
    """Return every ``every``-th snapshot index, always ending with the last one."""
    if n_snapshots < 1 or every < 1:
        raise ValueError(f"need at least one snapshot and every >= 1; got {n_snapshots} snapshots, every={every!r}")
    frames = list(range(0, n_snapshots, every))
    if frames[-1] != n_snapshots - 1:
        frames.append(n_snapshots - 1)
    return frames
