"""The fast engine behind ``train``: the course's gradient-descent loop compiled with numba.

It computes what ``training.train_plain`` computes (same operations, same order where
numpy's order is known: costs use numpy's pairwise summation) but without the ~20 numpy
calls per iteration. Weights and biases live in two flat buffers, so one compiled kernel
serves every depth. The kernel runs in chunks so that costs print and progress moves
while it trains.

numba is optional. Without it, or while its first compilation is still running in a
background process (it takes a few seconds, once per machine), ``train`` uses the plain
numpy loop: same results, only slower. Set INIT_UTILS_ENGINE=numpy to force that path.
Imports only numpy (and numba when present).
"""
import os
import subprocess
import sys

import numpy as np

CHUNK = 1000

try:  # numba is an accelerator, never a requirement
    import numba
except Exception:  # ImportError, or a broken install on an unsupported platform
    numba = None


def _njit(function=None, **options):
    if function is None:
        return lambda f: _njit(f, **options)
    # error_model="numpy": IEEE division (1/0 is inf, as in numpy) without a zero check per
    # element, which would also keep the loops from vectorizing.
    return (numba.njit(cache=True, nogil=True, error_model="numpy", **options)(function)
            if numba is not None else function)


@_njit(fastmath={"reassoc", "nsz", "arcp", "contract"})
def _dot(x, x_start, y, y_start, n):
    """Return sum(x[x_start:x_start+n] * y[y_start:y_start+n]), vectorized (any summation order).

    Used for dW = dz @ a_prev.T, whose order BLAS does not fix either.
    """
    xs = x[x_start:x_start + n]  # slices indexed by a range variable: no wraparound checks,
    ys = y[y_start:y_start + n]  # so the loop vectorizes
    total = 0.0
    for i in range(n):
        total += xs[i] * ys[i]
    return total


@_njit
def _block_sum(values, start, n):
    """numpy's pairwise base case: eight running sums for a block of at most 128 values."""
    v = values[start:start + n]
    if n < 8:
        total = 0.0
        for i in range(n):
            total += v[i]
        return total
    r0, r1, r2, r3, r4, r5, r6, r7 = v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
    for i in range(8, n - (n % 8), 8):
        r0 += v[i]
        r1 += v[i + 1]
        r2 += v[i + 2]
        r3 += v[i + 3]
        r4 += v[i + 4]
        r5 += v[i + 5]
        r6 += v[i + 6]
        r7 += v[i + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(n - (n % 8), n):
        total += v[i]
    return total


@_njit
def _deep_sum(values, start, n):
    """numpy's pairwise sum for any n, with an explicit stack (used past _sum6's depth)."""
    starts = np.empty(64, np.int64)
    sizes = np.empty(64, np.int64)
    partial = np.empty(64)
    pending = np.zeros(64, np.int64)  # 1: the left half's sum waits in partial
    starts[0], sizes[0], depth, total = start, n, 0, 0.0
    while True:
        if sizes[depth] > 128:  # split: go down the left half
            half = sizes[depth] // 2
            half -= half % 8
            starts[depth + 1], sizes[depth + 1], pending[depth + 1] = starts[depth], half, 0
            depth += 1
            continue
        total = _block_sum(values, starts[depth], sizes[depth])
        while depth > 0:  # climb while right halves are complete
            parent = depth - 1
            half = sizes[parent] // 2
            half -= half % 8
            if starts[depth] == starts[parent]:  # a left half finished: now do the right half
                partial[parent] = total
                starts[depth], sizes[depth] = starts[parent] + half, sizes[parent] - half
                break
            total = partial[parent] + total
            depth = parent
        if depth == 0:
            return total


# numpy halves a block (the first half rounded down to a multiple of 8) until it has at most
# 128 values, sums those with eight running sums, and adds the halves going back up. numba
# cannot load a self-recursive function from its cache, so each level is its own function.
@_njit
def _sum0(values, start, n):
    return _block_sum(values, start, n) if n <= 128 else _deep_sum(values, start, n)


@_njit
def _sum1(values, start, n):
    if n <= 128:
        return _block_sum(values, start, n)
    half = n // 2 - (n // 2) % 8
    return _sum0(values, start, half) + _sum0(values, start + half, n - half)


@_njit
def _sum2(values, start, n):
    if n <= 128:
        return _block_sum(values, start, n)
    half = n // 2 - (n // 2) % 8
    return _sum1(values, start, half) + _sum1(values, start + half, n - half)


@_njit
def _sum3(values, start, n):
    if n <= 128:
        return _block_sum(values, start, n)
    half = n // 2 - (n // 2) % 8
    return _sum2(values, start, half) + _sum2(values, start + half, n - half)


@_njit
def _sum4(values, start, n):
    if n <= 128:
        return _block_sum(values, start, n)
    half = n // 2 - (n // 2) % 8
    return _sum3(values, start, half) + _sum3(values, start + half, n - half)


@_njit
def _pairwise_sum(values, start, n):
    """Sum values[start:start+n] exactly as numpy's pairwise summation does for a contiguous array."""
    if n <= 128:
        return _block_sum(values, start, n)
    half = n // 2 - (n // 2) % 8
    return _sum4(values, start, half) + _sum4(values, start + half, n - half)


@_njit
def _forward(X, W, b, dims, woff, boff, aoff, A, m, row):
    """Fill the activation buffer A: layer 0 is X (flattened), hidden layers ReLU, the last sigmoid.

    Sums go to the separate ``row`` buffer first: reading and writing one array in the
    same loop would keep the compiler from vectorizing it.
    """
    L = dims.shape[0] - 1
    for i in range(dims[0] * m):
        A[i] = X[i]
    for l in range(1, L + 1):
        n, n_prev = dims[l], dims[l - 1]
        for j in range(n):
            w = W[woff[l] + j * n_prev]
            source = A[aoff[l - 1]:aoff[l - 1] + m]
            for i in range(m):  # 0 + x is x: starting from the first term changes no bit of the sum
                row[i] = w * source[i]
            for k in range(1, n_prev):
                w = W[woff[l] + j * n_prev + k]
                source = A[aoff[l - 1] + k * m:aoff[l - 1] + (k + 1) * m]
                for i in range(m):
                    row[i] += w * source[i]
            bias = b[boff[l] + j]
            out = A[aoff[l] + j * m:aoff[l] + (j + 1) * m]
            if l < L:
                for i in range(m):
                    z = row[i] + bias
                    out[i] = z if z > 0.0 else 0.0
            else:
                for i in range(m):
                    out[i] = 1.0 / (1.0 + np.exp(-(row[i] + bias)))


@_njit
def _cost(A, start, Y, m, terms):
    """Return compute_loss(aL, Y): 1/m times the nansum of the cross-entropy terms."""
    for i in range(m):
        a, y = A[start + i], Y[i]
        term = (-np.log(a)) * y + (-np.log(1.0 - a)) * (1.0 - y)
        terms[i] = 0.0 if np.isnan(term) else term
    return 1.0 / m * _pairwise_sum(terms, 0, m)


@_njit
def _offsets(dims, m):
    """Return where each layer starts in the flat W, b and activation buffers."""
    L = dims.shape[0] - 1
    woff = np.zeros(L + 1, np.int64)
    boff = np.zeros(L + 1, np.int64)
    aoff = np.zeros(L + 2, np.int64)
    for l in range(1, L + 1):
        woff[l] = woff[l - 1] + (dims[l - 1] * dims[l - 2] if l > 1 else 0)
        boff[l] = boff[l - 1] + (dims[l - 1] if l > 1 else 0)
    for l in range(1, L + 2):
        aoff[l] = aoff[l - 1] + dims[l - 1] * m
    return woff, boff, aoff


@_njit
def _predict_many(X, m, snap_W, snap_b, dims, out):
    """Set out[s, i] to whether snapshot s's output on example i is above 0.5."""
    L = dims.shape[0] - 1
    woff, boff, aoff = _offsets(dims, m)
    A = np.empty(aoff[L + 1])
    row = np.empty(m)
    for s in range(snap_W.shape[0]):
        _forward(X, snap_W[s], snap_b[s], dims, woff, boff, aoff, A, m, row)
        for i in range(m):
            out[s, i] = A[aoff[L] + i] > 0.5


@_njit
def _descend(X, Y, W, b, dims, learning_rate, start, stop, record_every, cost_every, snap_W, snap_b, snap_costs,
             costs):
    """Run iterations [start, stop) in place on W, b; record snapshots and costs by iteration number."""
    L = dims.shape[0] - 1
    m = Y.shape[0]
    woff, boff, aoff = _offsets(dims, m)
    widest = 0
    for l in range(L + 1):
        widest = max(widest, dims[l])
    A = np.empty(aoff[L + 1])
    dz = np.empty(widest * m)
    dz_prev = np.empty(widest * m)
    dW = np.empty(W.shape[0])
    db = np.empty(b.shape[0])
    terms = np.empty(m)
    row = np.empty(m)
    inv_m = 1.0 / m
    for it in range(start, stop):
        _forward(X, W, b, dims, woff, boff, aoff, A, m, row)
        on_snapshot = it % record_every == 0
        on_cost = it % cost_every == 0
        if on_snapshot or on_cost:
            cost = _cost(A, aoff[L], Y, m, terms)
            if on_snapshot:
                k = it // record_every
                snap_W[k, :] = W
                snap_b[k, :] = b
                snap_costs[k] = cost
            if on_cost:
                costs[it // cost_every] = cost
        for i in range(m):
            dz[i] = inv_m * (A[aoff[L] + i] - Y[i])
        for l in range(L, 0, -1):
            n, n_prev = dims[l], dims[l - 1]
            for j in range(n):
                db[boff[l] + j] = _pairwise_sum(dz, j * m, m)
                for k in range(n_prev):
                    dW[woff[l] + j * n_prev + k] = _dot(dz, j * m, A, aoff[l - 1] + k * m, m)
            if l > 1:
                for k in range(n_prev):  # da_prev = W.T @ dz, summed over j in order
                    target = dz_prev[k * m:(k + 1) * m]
                    w = W[woff[l] + k]
                    for i in range(m):
                        target[i] = w * dz[i]
                    for j in range(1, n):
                        w = W[woff[l] + j * n_prev + k]
                        source = dz[j * m:(j + 1) * m]
                        for i in range(m):
                            target[i] += w * source[i]
                for k in range(n_prev):  # dz_prev = da_prev where the ReLU was active
                    a_prev = A[aoff[l - 1] + k * m:aoff[l - 1] + (k + 1) * m]
                    for i in range(m):
                        dz[k * m + i] = dz_prev[k * m + i] if a_prev[i] > 0.0 else 0.0
        for i in range(W.shape[0]):
            W[i] = W[i] - learning_rate * dW[i]
        for i in range(b.shape[0]):
            b[i] = b[i] - learning_rate * db[i]


# ---- when to use it ----------------------------------------------------------------------

_warming = None
WARM_COMMAND = "from init_utils.engine import warm; warm()"


def _cache_is_warm():
    """Return True if numba has a compiled kernel on disk (or in this process) to load."""
    if _descend.signatures:
        return True
    try:
        return os.path.exists(_descend._cache._cache_file._index_path)
    except AttributeError:  # another numba version: just compile on first use
        return True


def available():
    """Return True if the compiled engine can run now; else start compiling it in the background."""
    global _warming
    if numba is None or os.environ.get("INIT_UTILS_ENGINE", "auto") == "numpy":
        return False
    if os.environ.get("INIT_UTILS_ENGINE") == "numba" or _cache_is_warm():
        return True
    if _warming is None:
        _warming = subprocess.Popen([sys.executable, "-c", WARM_COMMAND],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if _warming.poll() is None:
        return False
    return _warming.returncode == 0


def warm():
    """Compile the kernel (and write numba's cache) by training a tiny network once."""
    X = np.array([0.5, -1.0, 2.0, 1.0, 0.3, -0.2])
    Y = np.array([[1.0, 0.0, 1.0]])
    W = np.array([0.1, -0.2, 0.3, 0.4, 0.5, -0.6])
    b = np.zeros(3)
    dims = np.array([2, 2, 1])
    _descend(X, Y[0], W, b, dims, 0.1, 0, 2, 1, 1, np.empty((2, 6)), np.empty((2, 3)), np.empty(2), np.empty(2))
    _predict_many(X, 3, W.reshape(1, -1), b.reshape(1, -1), dims, np.empty((1, 3), dtype=np.bool_))


def flatten(parameters):
    """Return (W, b, dims-without-input) flat buffers of a parameters dict."""
    L = len(parameters) // 2
    W = np.concatenate([np.asarray(parameters[f"W{l}"], dtype=np.float64).ravel() for l in range(1, L + 1)])
    b = np.concatenate([np.asarray(parameters[f"b{l}"], dtype=np.float64).ravel() for l in range(1, L + 1)])
    return W, b, [parameters[f"W{l}"].shape[0] for l in range(1, L + 1)]


def predict_snapshots(snapshots, X):
    """Return bool predictions (len(snapshots), m) of every parameter snapshot on X (n_0, m)."""
    if not available():
        from .prediction import predict_dec

        return np.array([predict_dec(p, X)[0] for p in snapshots], dtype=bool).reshape(len(snapshots), X.shape[1])
    flat = [flatten(p) for p in snapshots]
    dims = np.array([X.shape[0]] + flat[0][2], dtype=np.int64)
    out = np.empty((len(snapshots), X.shape[1]), dtype=np.bool_)
    _predict_many(np.ascontiguousarray(X, dtype=np.float64).ravel(), X.shape[1], np.array([f[0] for f in flat]),
                  np.array([f[1] for f in flat]), dims, out)
    return out


def run(X, Y, parameters, learning_rate, num_iterations, record_every, cost_every, on_chunk):
    """Train with the compiled kernel; return (final parameters, snapshots, snapshot costs, costs).

    ``parameters`` are the initial ones (not modified). ``on_chunk(stop)`` is called after
    each chunk of iterations, for printing and progress.
    """
    W, b, sizes = flatten(parameters)
    dims = np.array([X.shape[0]] + sizes, dtype=np.int64)
    n_snapshots = -(-num_iterations // record_every)
    snap_W = np.empty((n_snapshots + 1, W.size))
    snap_b = np.empty((n_snapshots + 1, b.size))
    snap_costs = np.empty(n_snapshots + 1)
    costs = np.empty(-(-num_iterations // cost_every))
    X = np.ascontiguousarray(X, dtype=np.float64).ravel()
    Yrow = np.ascontiguousarray(Y, dtype=np.float64).ravel()
    for start in range(0, num_iterations, CHUNK):
        stop = min(start + CHUNK, num_iterations)
        _descend(X, Yrow, W, b, dims, float(learning_rate), start, stop, record_every, cost_every,
                 snap_W, snap_b, snap_costs, costs)
        on_chunk(stop, costs, snap_costs)
    snap_W[n_snapshots], snap_b[n_snapshots] = W, b
    return unpack(W, b, dims), [unpack(w, bb, dims) for w, bb in zip(snap_W, snap_b)], snap_costs, costs


def unpack(W, b, dims):
    """Return the parameters dict viewed from flat buffers W and b."""
    parameters, w_at, b_at = {}, 0, 0
    for l in range(1, len(dims)):
        n, n_prev = int(dims[l]), int(dims[l - 1])
        parameters[f"W{l}"] = W[w_at:w_at + n * n_prev].reshape(n, n_prev)
        parameters[f"b{l}"] = b[b_at:b_at + n].reshape(n, 1)
        w_at, b_at = w_at + n * n_prev, b_at + n
    return parameters
