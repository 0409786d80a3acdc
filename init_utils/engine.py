"""The compiled engine behind ``train``: the course's gradient-descent loop, compiled with numba.

Not pure math: it imports numba (optional); ``train`` loads this module on first use.

One kernel serves every depth and width, without the ~20 numpy calls per iteration. Sums
run in whatever order is fastest, as BLAS's do, so costs agree with the numpy loop to about
1e-15, not bit for bit; where the math is exact (the zeros run: every output sigmoid(0) = 0.5,
every partial sum of the +-0.5 errors exact), so is the engine. The kernel records output
rows; ``loss.compute_loss`` turns them into costs. numba caches the machine code on disk
(``make setup`` fills the cache); a first call that compiles says so.
"""
import os
import sys
import threading

import numpy as np

try:  # numba is an accelerator, never a requirement
    import numba
except Exception:  # ImportError, or a broken install on an unsupported platform
    numba = None

CHUNK = 1000  # iterations per kernel call, between progress reports
NOTICE_AFTER = 2.0  # seconds: loading numba's cache takes less, compiling takes more
NOTICE = "init_utils: compiling the training engine for this machine (once; later runs load it from numba's cache)..."

# Sums may be reordered and multiply-adds fused, as BLAS does; inf and NaN keep their IEEE
# meaning (no "nnan"/"ninf"): the large random run's first cost and the divergence check need them.
FAST = {"reassoc", "nsz", "arcp", "contract"}


def _njit(function):
    # error_model="numpy": IEEE division (1/0 is inf) without a zero check; nogil: the explorer
    # trains in a thread while the widgets stay responsive.
    if numba is None:
        return function
    return numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=FAST)(function)


@_njit
def _offsets(dims, m):
    """Return where each layer's W, b and activations start in their flat buffers (layer l at [l], [l + 1])."""
    L = dims.shape[0] - 1
    w_at, b_at, a_at = np.zeros(L + 2, np.int64), np.zeros(L + 2, np.int64), np.zeros(L + 2, np.int64)
    for l in range(1, L + 1):
        w_at[l + 1] = w_at[l] + dims[l] * dims[l - 1]
        b_at[l + 1] = b_at[l] + dims[l]
    for l in range(L + 1):
        a_at[l + 1] = a_at[l] + dims[l] * m
    return w_at, b_at, a_at


@_njit
def _rows(flat, at, l, width):
    """Return layer l's part of a flat buffer as a matrix with rows of ``width``."""
    part = flat[at[l]:at[l + 1]]
    return part.reshape(part.shape[0] // width, width)


@_njit
def _product(W, A, out, bias):
    """Set out to W @ A (+ bias[j] on row j unless bias is None): out (n, m), A (n_in, m); W may be a .T view.

    Each pass over a row of out adds four rows of A, so out is loaded and stored a quarter
    as often; the loop over examples is innermost, and the compiler vectorizes it.
    """
    n_in, m = A.shape
    for j in range(out.shape[0]):
        o, s, k = out[j], 0.0 if bias is None else bias[j], 0
        if n_in < 4:
            o[:] = s
        while k + 4 <= n_in:
            w0, w1, w2, w3 = W[j, k], W[j, k + 1], W[j, k + 2], W[j, k + 3]
            a0, a1, a2, a3 = A[k], A[k + 1], A[k + 2], A[k + 3]
            first = k == 0  # the first pass writes the row instead of adding to it
            for i in range(m):
                o[i] = (s if first else o[i]) + ((w0 * a0[i] + w1 * a1[i]) + (w2 * a2[i] + w3 * a3[i]))
            k += 4
        for k in range(k, n_in):
            w, a = W[j, k], A[k]
            for i in range(m):
                o[i] += w * a[i]


@_njit
def _dots(D, A, out):
    """Set out[j, k] to D[j] . A[k] (out = D @ A.T), four rows of A per pass over a row of D."""
    n_in, m = A.shape
    for j in range(D.shape[0]):
        d = D[j]
        k = 0
        while k + 4 <= n_in:
            a0, a1, a2, a3 = A[k], A[k + 1], A[k + 2], A[k + 3]
            s0 = s1 = s2 = s3 = 0.0
            for i in range(m):
                s0 += d[i] * a0[i]
                s1 += d[i] * a1[i]
                s2 += d[i] * a2[i]
                s3 += d[i] * a3[i]
            out[j, k], out[j, k + 1], out[j, k + 2], out[j, k + 3] = s0, s1, s2, s3
            k += 4
        for k in range(k, n_in):
            a, s = A[k], 0.0
            for i in range(m):
                s += d[i] * a[i]
            out[j, k] = s


@_njit
def _forward(W, b, dims, w_at, b_at, a_at, A, m):
    """Fill layers 1..L of the activation buffer A (layer 0 holds X): ReLU inside, sigmoid at the end.

    The ReLU keeps NaN, as np.maximum does, so a diverged run turns NaN as the numpy loop's does.
    """
    L = dims.shape[0] - 1
    for l in range(1, L + 1):
        out = _rows(A, a_at, l, m)
        _product(_rows(W, w_at, l, dims[l - 1]), _rows(A, a_at, l - 1, m), out, b[b_at[l]:b_at[l + 1]])
        for j in range(dims[l]):
            z = out[j]
            if l < L:
                for i in range(m):
                    z[i] = 0.0 if z[i] < 0.0 else z[i]
            else:
                for i in range(m):
                    z[i] = 1.0 / (1.0 + np.exp(-z[i]))  # exactly 0.5 at 0; exactly 0 or 1 when saturated


@_njit
def _backward(Y, W, dims, w_at, b_at, a_at, A, m, dz, da, dW, db):
    """Fill dW and db (flat like W and b) from the activations; dz and da are scratch (widest * m each)."""
    L = dims.shape[0] - 1
    output = A[a_at[L]:a_at[L + 1]]
    total = 0.0
    for i in range(m):
        error = output[i] - Y[i]
        total += error
        dz[i] = 1.0 / m * error
    # The errors are summed before scaling, so a sum the math makes exactly 0 (the zeros run:
    # +-0.5 each, labels balanced) comes out exactly 0 in any order.
    db[b_at[L]] = total / m
    for l in range(L, 0, -1):
        n, n_prev = dims[l], dims[l - 1]
        D, previous = dz[:n * m].reshape(n, m), _rows(A, a_at, l - 1, m)
        dWl = _rows(dW, w_at, l, n_prev)
        if n >= n_prev:  # block over the longer side: fewer passes
            _dots(previous, D, dWl.T)
        else:
            _dots(D, previous, dWl)
        if l < L:
            for j in range(n):
                db[b_at[l] + j] = np.sum(D[j])
        if l > 1:  # dz of layer l - 1: (W.T @ dz) where the ReLU was on
            P = da[:n_prev * m].reshape(n_prev, m)
            _product(_rows(W, w_at, l, n_prev).T, D, P, None)
            for k in range(n_prev):
                p, a = P[k], previous[k]
                for i in range(m):
                    p[i] *= 1.0 if a[i] > 0.0 else 0.0  # a product, as numpy's: inf * 0 stays NaN
            dz, da = da, dz


@_njit
def _all_finite(values):
    """Return True if no value is inf or NaN."""
    for v in values:
        if not np.isfinite(v):
            return False
    return True


@_njit
def _descend(X, Y, W, b, dims, learning_rate, start, stop, record_every, cost_every, snap_W, snap_b, snap_out,
             cost_out):
    """Run iterations [start, stop) in place on W, b; record snapshots and output rows by iteration.

    Return the first iteration whose parameters hold inf or NaN (after the update of the one
    before), or -1 if none in this range.
    """
    L = dims.shape[0] - 1
    m = Y.shape[0]
    w_at, b_at, a_at = _offsets(dims, m)
    A = np.empty(a_at[L + 1])
    A[:a_at[1]] = X
    widest = np.max(dims) * m
    dz, da, dW, db = np.empty(widest), np.empty(widest), np.empty(W.shape[0]), np.empty(b.shape[0])
    diverged = -1
    for it in range(start, stop):
        _forward(W, b, dims, w_at, b_at, a_at, A, m)
        if it % record_every == 0:
            k = it // record_every
            snap_W[k], snap_b[k], snap_out[k] = W, b, A[a_at[L]:]
        if it % cost_every == 0:
            cost_out[it // cost_every] = A[a_at[L]:]
        _backward(Y, W, dims, w_at, b_at, a_at, A, m, dz, da, dW, db)
        for i in range(W.shape[0]):
            W[i] -= learning_rate * dW[i]
        for i in range(b.shape[0]):
            b[i] -= learning_rate * db[i]
        if diverged < 0 and not (_all_finite(W) and _all_finite(b)):
            diverged = it + 1
    return diverged


@_njit
def _predict_many(X, m, snap_W, snap_b, dims, out):
    """Set out[s, i] to whether snapshot s's output on example i is above 0.5."""
    L = dims.shape[0] - 1
    w_at, b_at, a_at = _offsets(dims, m)
    A = np.empty(a_at[L + 1])
    A[:a_at[1]] = X
    for s in range(snap_W.shape[0]):
        _forward(snap_W[s], snap_b[s], dims, w_at, b_at, a_at, A, m)
        for i in range(m):
            out[s, i] = A[a_at[L] + i] > 0.5


def available():
    """Return True unless numba is missing or INIT_UTILS_ENGINE=numpy asks for the numpy loop."""
    return numba is not None and os.environ.get("INIT_UTILS_ENGINE", "auto") != "numpy"


_warm_lock = threading.Lock()
_warmed = False


def warm():
    """Compile the kernels, or load them from numba's cache, once per process; say so if it takes long."""
    global _warmed
    with _warm_lock:  # a second thread waits for the first
        if _warmed or not available():
            return
        notice = threading.Timer(NOTICE_AFTER, print, (NOTICE,), {"file": sys.stderr, "flush": True})
        notice.start()
        X, Y, dims = np.array([0.5, -1.0, 2.0, 1.0, 0.3, -0.2]), np.array([1.0, 0.0, 1.0]), np.array([2, 2, 1])
        W, b, rows = np.array([0.1, -0.2, 0.3, 0.4, 0.5, -0.6]), np.zeros(3), np.empty((2, 3))
        try:
            _descend(X, Y, W, b, dims, 0.1, 0, 2, 1, 1, np.empty((2, 6)), rows, rows, rows)
            _predict_many(X, 3, W.reshape(1, -1), b.reshape(1, -1), dims, np.empty((1, 3), dtype=np.bool_))
        finally:
            notice.cancel()
        _warmed = True


def flatten(parameters):
    """Return (W, b, layer sizes without the input) flat buffers of a parameters dict."""
    L = len(parameters) // 2
    W = np.concatenate([np.asarray(parameters[f"W{l}"], dtype=np.float64).ravel() for l in range(1, L + 1)])
    b = np.concatenate([np.asarray(parameters[f"b{l}"], dtype=np.float64).ravel() for l in range(1, L + 1)])
    return W, b, [parameters[f"W{l}"].shape[0] for l in range(1, L + 1)]


def unpack(W, b, dims):
    """Return the parameters dict viewed from flat buffers W and b."""
    parameters, w_at, b_at = {}, 0, 0
    for l in range(1, len(dims)):
        n, n_prev = int(dims[l]), int(dims[l - 1])
        parameters[f"W{l}"] = W[w_at:w_at + n * n_prev].reshape(n, n_prev)
        parameters[f"b{l}"] = b[b_at:b_at + n].reshape(n, 1)
        w_at, b_at = w_at + n * n_prev, b_at + n
    return parameters


def predict_snapshots(snapshots, X):
    """Return bool predictions (len(snapshots), m) of every parameter snapshot on X (n_0, m)."""
    if not available():
        from .prediction import predict_dec

        return np.array([predict_dec(p, X)[0] for p in snapshots], dtype=bool).reshape(len(snapshots), X.shape[1])
    warm()
    flat = [flatten(p) for p in snapshots]
    dims = np.array([X.shape[0]] + flat[0][2], dtype=np.int64)
    out = np.empty((len(snapshots), X.shape[1]), dtype=np.bool_)
    _predict_many(np.ascontiguousarray(X, dtype=np.float64).ravel(), X.shape[1], np.array([f[0] for f in flat]),
                  np.array([f[1] for f in flat]), dims, out)
    return out


def run(X, Y, parameters, learning_rate, num_iterations, record_every, cost_every, on_chunk):
    """Train from ``parameters`` (left as they are); return (final parameters, snapshots, outputs, diverged_at).

    Snapshot k holds the parameters before the update of iteration k * record_every (plus
    the final ones), outputs[k] the network's output row there. After each chunk of
    iterations [.., stop), ``on_chunk(stop, cost_outputs, diverged_at)`` gets the output rows
    of every cost_every-th iteration (filled below stop) and the first iteration whose
    parameters hold inf or NaN, or None.
    """
    warm()
    W, b, sizes = flatten(parameters)
    dims = np.array([X.shape[0]] + sizes, dtype=np.int64)
    m = X.shape[1]
    n_snapshots = -(-num_iterations // record_every)
    snap_W, snap_b = np.empty((n_snapshots + 1, W.size)), np.empty((n_snapshots + 1, b.size))
    snap_out, cost_out = np.empty((n_snapshots, m)), np.empty((-(-num_iterations // cost_every), m))
    X = np.ascontiguousarray(X, dtype=np.float64).ravel()
    Y = np.ascontiguousarray(Y, dtype=np.float64).ravel()
    diverged_at = None
    for start in range(0, num_iterations, CHUNK):
        stop = min(start + CHUNK, num_iterations)
        found = _descend(X, Y, W, b, dims, float(learning_rate), start, stop, record_every, cost_every,
                         snap_W, snap_b, snap_out, cost_out)
        if diverged_at is None and found >= 0:
            diverged_at = int(found)
        on_chunk(stop, cost_out, diverged_at)
    snap_W[n_snapshots], snap_b[n_snapshots] = W, b
    return unpack(W, b, dims), [unpack(w, bb, dims) for w, bb in zip(snap_W, snap_b)], snap_out, diverged_at
