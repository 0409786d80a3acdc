"""Pure arithmetic behind the pictures: the course's square view, log cost axes and frames. Imports only numpy."""
import numpy as np

VIEW = (-1.5, 1.5)  # x1 and x2 limits of every boundary plot
COST_LIMITS = (1e-3, 10.0)


def boundary_grid(step):
    """Return the cell centres (2, k) of a grid with spacing ``step`` over the square view, and its shape."""
    low, high = VIEW
    if not 0 < step <= high - low:
        raise ValueError(f"grid_step must be positive and at most the view's width {high - low}; got {step!r}")
    ticks = np.arange(low + step / 2, high, step)
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
    return list(range(0, n_snapshots - 1, every)) + [n_snapshots - 1]
