"""The compiled engine behind ``train``: the course's gradient-descent loop, compiled with numba.

Not pure math: it imports numba (optional); ``train`` loads this module on first use.

One kernel serves every depth and width. Sums run in whatever order is fastest, as BLAS's do,
so costs agree with the numpy loop to about 1e-15, not bit for bit; where the math is exact
(the zeros run) so is the engine. numba caches the machine code on disk (``make setup`` fills it).
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


def _njit(function, inline="never"):
    # error_model="numpy": IEEE division (1/0 is inf) without a zero check; nogil: the explorer
    # trains in a thread while the widgets stay responsive.
    if numba is None:
        return function
    return numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=FAST, inline=inline)(function)


def _inline(function):
    """Compile a helper into each kernel that calls it: a call per row would cost more than the row's arithmetic."""
    return _njit(function, inline="always")


@_inline
def _split(flat, rows, cols):
    """Return views of consecutive parts of flat as matrices (rows[l], cols[l]), one per layer."""
    views, at = [], 0
    for r, c in zip(rows, cols):
        views.append(flat[at:at + r * c].reshape(r, c))
        at += r * c
    return views


@_inline
def _finish(v, last, relu, gate, j, i):
    """Return v, or after a row's last pass: max(v, 0) keeping NaN if relu, v * (gate > 0) if there is a gate."""
    if gate is None:
        return 0.0 if last and relu and v < 0.0 else v
    return v * (1.0 if (gate[j, i] > 0.0) | (not last) else 0.0)  # a product, as numpy's: inf * 0 is NaN


@_inline
def _product(W, A, out, bias, relu, gate):
    """Set out to W @ A (+ bias[j] on row j unless bias is None), finished by ``_finish``; W may be a .T view.

    Each pass over a row of out adds four rows of A (then two, then one), so out is loaded and stored a quarter
    as often. The loop over examples is innermost, without branches, and the compiler vectorizes it.
    """
    n_in, m = A.shape
    for j in range(out.shape[0]):
        o, s, k = out[j], 0.0 if bias is None else bias[j], 0
        while k < n_in:
            size = 4 if k + 4 <= n_in else 2 if k + 2 <= n_in else 1
            first, last = k == 0, k + size == n_in  # the first pass writes the row instead of adding to it
            if size == 4:
                w0, w1, w2, w3 = W[j, k], W[j, k + 1], W[j, k + 2], W[j, k + 3]
                a0, a1, a2, a3 = A[k], A[k + 1], A[k + 2], A[k + 3]
                for i in range(m):
                    v = (s if first else o[i]) + ((w0 * a0[i] + w1 * a1[i]) + (w2 * a2[i] + w3 * a3[i]))
                    o[i] = _finish(v, last, relu, gate, j, i)
            elif size == 2:
                w0, w1, a0, a1 = W[j, k], W[j, k + 1], A[k], A[k + 1]
                for i in range(m):
                    o[i] = _finish((s if first else o[i]) + (w0 * a0[i] + w1 * a1[i]), last, relu, gate, j, i)
            else:
                w0, a0 = W[j, k], A[k]
                for i in range(m):
                    o[i] = _finish((s if first else o[i]) + w0 * a0[i], last, relu, gate, j, i)
            k += size


@_inline
def _dots(D, A, out):
    """Set out[j, k] to D[j] . A[k] (out = D @ A.T), four rows of A per pass over D[j]."""
    n_in, m = A.shape
    for j in range(D.shape[0]):
        d, k = D[j], 0
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


@_inline
def _forward(Ws, bs, acts):
    """Fill acts[1..L] from acts[0] (X): ReLU inside, sigmoid at the end (the ReLU keeps NaN, as np.maximum does)."""
    L = len(Ws)
    for l in range(1, L + 1):
        _product(Ws[l - 1], acts[l - 1], acts[l], bs[l - 1][:, 0], l < L, None)
    z = acts[L][0]
    for i in range(z.shape[0]):
        z[i] = 1.0 / (1.0 + np.exp(-z[i]))  # exactly 0.5 at 0; exactly 0 or 1 when saturated


@_inline
def _backward(Y, Ws, acts, dzs, dWs, dbs):
    """Fill dWs and dbs from the activations of a forward pass; dzs[l] receives layer l's dz."""
    L, m = len(Ws), Y.shape[0]
    output, dz = acts[L][0], dzs[L][0]
    total = 0.0
    for i in range(m):
        error = output[i] - Y[i]
        total += error
        dz[i] = 1.0 / m * error
    for l in range(L, 0, -1):
        D, previous = dzs[l], acts[l - 1]
        if D.shape[0] >= previous.shape[0]:  # block over the longer side: fewer passes
            _dots(previous, D, dWs[l - 1].T)
        else:
            _dots(D, previous, dWs[l - 1])
        for j in range(D.shape[0]):
            dbs[l - 1][j, 0] = np.sum(D[j])
        if l > 1:  # dz of layer l - 1: (W.T @ dz) where the ReLU was on
            _product(Ws[l - 1].T, D, dzs[l - 1], None, False, previous)
    # The errors are summed before scaling, so a sum the math makes exactly 0 (the zeros run:
    # +-0.5 each, labels balanced) comes out exactly 0 in any order.
    dbs[L - 1][0, 0] = total / m


@_inline
def _step(values, gradient, learning_rate):
    """Take values -= learning_rate * gradient in place; return True if no value is now inf or NaN."""
    finite = True
    for i in range(values.shape[0]):
        values[i] -= learning_rate * gradient[i]
        finite &= abs(values[i]) < np.inf  # not np.isfinite: it computes x - x, which fastmath folds to 0
    return finite


@_inline
def _network(W, b, X, dims):
    """Return per-layer views of the flat W and b, and activation buffers headed by X (n_0, m)."""
    Ws, bs, acts = _split(W, dims[1:], dims[:-1]), _split(b, dims[1:], np.ones_like(dims[1:])), [X]
    for n in dims[1:]:
        acts.append(np.empty((n, X.shape[1])))
    return Ws, bs, acts


@_njit
def _descend(X, Y, W, b, dims, learning_rate, start, stop, record_every, cost_every, snap_W, snap_b, snap_out,
             cost_out):
    """Run iterations [start, stop) in place on W, b; record snapshots and output rows by iteration.

    Return the first iteration whose parameters hold inf or NaN (after the previous update), or -1 if none.
    """
    Ws, bs, acts = _network(W, b, X, dims)
    dW, db = np.empty_like(W), np.empty_like(b)
    dWs, dbs, dzs = _network(dW, db, X, dims)  # the gradients, shaped as the network (dzs[0] unused)
    output, diverged = acts[-1][0], -1
    for it in range(start, stop):
        _forward(Ws, bs, acts)
        if it % record_every == 0:
            snap_W[it // record_every], snap_b[it // record_every], snap_out[it // record_every] = W, b, output
        if it % cost_every == 0:
            cost_out[it // cost_every] = output
        _backward(Y, Ws, acts, dzs, dWs, dbs)
        if not (_step(W, dW, learning_rate) & _step(b, db, learning_rate)) and diverged < 0:
            diverged = it + 1
    return diverged


@_njit
def _predict_many(X, snap_W, snap_b, dims, out):
    """Set out[s, i] to whether snapshot s's output on example i is above 0.5."""
    for s in range(snap_W.shape[0]):
        Ws, bs, acts = _network(snap_W[s], snap_b[s], X, dims)
        _forward(Ws, bs, acts)
        out[s] = acts[-1][0] > 0.5


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
        X, Y, dims = np.array([[0.5, -1.0, 2.0], [1.0, 0.3, -0.2]]), np.array([1.0, 0.0, 1.0]), np.array([2, 2, 1])
        W, b, rows = np.array([0.1, -0.2, 0.3, 0.4, 0.5, -0.6]), np.zeros(3), np.empty((2, 3))
        try:
            _descend(X, Y, W, b, dims, 0.1, 0, 2, 1, 1, np.empty((2, 6)), rows, rows, rows)
            _predict_many(X, W.reshape(1, -1), b.reshape(1, -1), dims, np.empty((1, 3), dtype=np.bool_))
        finally:
            notice.cancel()
        _warmed = True


def flatten(parameters):
    """Return the flat buffers W and b of a parameters dict, and its layer sizes (input first)."""
    layers = range(1, len(parameters) // 2 + 1)
    W = np.concatenate([parameters[f"W{l}"] for l in layers], axis=None, dtype=np.float64)
    b = np.concatenate([parameters[f"b{l}"] for l in layers], axis=None, dtype=np.float64)
    return W, b, np.array([parameters["W1"].shape[1]] + [parameters[f"W{l}"].shape[0] for l in layers], dtype=np.int64)


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
    out = np.empty((len(snapshots), X.shape[1]), dtype=np.bool_)
    _predict_many(np.ascontiguousarray(X, dtype=np.float64), np.array([f[0] for f in flat]),
                  np.array([f[1] for f in flat]), flat[0][2], out)
    return out


def run(X, Y, parameters, learning_rate, num_iterations, record_every, cost_every, on_chunk):
    """Train from ``parameters`` (left as they are); return (final parameters, snapshots, outputs, diverged_at).

    Snapshot k holds the parameters before iteration k * record_every (plus the final ones), outputs[k] the
    output row there. After each chunk ending at stop, call ``on_chunk(stop, cost_outputs, diverged_at)``.
    """
    warm()
    W, b, dims = flatten(parameters)
    m = X.shape[1]
    n_snapshots = -(-num_iterations // record_every)
    snap_W, snap_b = np.empty((n_snapshots + 1, W.size)), np.empty((n_snapshots + 1, b.size))
    snap_out, cost_out = np.empty((n_snapshots, m)), np.empty((-(-num_iterations // cost_every), m))
    X = np.ascontiguousarray(X, dtype=np.float64)
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
