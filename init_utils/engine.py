"""The fast engine behind ``train``: the course's gradient-descent loop compiled with numba.

It computes what ``training.train_plain`` computes (same operations, same order where
numpy's order is known: costs and biases use numpy's pairwise summation) but without the
~20 numpy calls per iteration. Weights and biases live in two flat buffers, so one
compiled kernel serves every depth and size; the course network (2-10-5-1 on 300
examples) has a second kernel with those sizes fixed at compile time, about twice as
fast. Kernels run in chunks so that costs print and progress moves while they train.

numba is optional. Without it, or while its first compilation is still running in a
background process (20-30 s, once per machine), ``train`` uses the plain
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


def _block_sum(values, start, n):
    """numpy's pairwise base case: eight running sums for a block of at most 128 values."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += values[i]
        return total
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    for step in range(1, n // 8):  # a counted loop: with a constant n it unrolls completely
        i = start + 8 * step
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(start + n - n % 8, start + n):
        total += values[i]
    return total


_block_sum_inlined = _njit(inline="always")(_block_sum)  # for sizes known at compile time
_block_sum = _njit(_block_sum)


@_njit
def _deep_sum(values, start, n):
    """numpy's pairwise sum for any n, with an explicit stack (used past _sum1's depth)."""
    starts = np.empty(64, np.int64)
    sizes = np.empty(64, np.int64)
    partial = np.empty(64)
    starts[0], sizes[0], depth, total = start, n, 0, 0.0
    while True:
        if sizes[depth] > 128:  # split: go down the left half
            half = sizes[depth] // 2
            half -= half % 8
            starts[depth + 1], sizes[depth + 1] = starts[depth], half
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
# cannot load a self-recursive function from its cache, so the top levels are functions of
# their own and deeper trees go to _deep_sum.
def _half(n):
    """Return the size of the first half numpy's pairwise sum splits n values into."""
    return n // 2 - (n // 2) % 8


_half_jit = _njit(_half)


@_njit
def _sum0(values, start, n):
    return _block_sum(values, start, n) if n <= 128 else _deep_sum(values, start, n)


@_njit
def _sum1(values, start, n):
    if n <= 128:
        return _block_sum(values, start, n)
    half = _half_jit(n)
    return _sum0(values, start, half) + _sum0(values, start + half, n - half)


@_njit
def _pairwise_sum(values, start, n):
    """Sum values[start:start+n] exactly as numpy's pairwise summation does for a contiguous array."""
    if n <= 128:
        return _block_sum(values, start, n)
    half = _half_jit(n)
    return _sum1(values, start, half) + _sum1(values, start + half, n - half)


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
def _record(it, A, output_at, Y, terms, W, b, record_every, cost_every, snap_W, snap_b, snap_costs, costs):
    """At a recorded iteration, compute the cost of the output row A[output_at:] and store it (and a snapshot)."""
    on_snapshot = it % record_every == 0
    on_cost = it % cost_every == 0
    if on_snapshot or on_cost:
        cost = _cost(A, output_at, Y, Y.shape[0], terms)
        if on_snapshot:
            k = it // record_every
            snap_W[k, :] = W
            snap_b[k, :] = b
            snap_costs[k] = cost
        if on_cost:
            costs[it // cost_every] = cost


@_njit
def _update(W, b, dW, db, learning_rate):
    """Take one gradient-descent step in place."""
    for i in range(W.shape[0]):
        W[i] = W[i] - learning_rate * dW[i]
    for i in range(b.shape[0]):
        b[i] = b[i] - learning_rate * db[i]


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
        _record(it, A, aoff[L], Y, terms, W, b, record_every, cost_every, snap_W, snap_b, snap_costs, costs)
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
        _update(W, b, dW, db, learning_rate)


# ---- the course network, with its shapes fixed at compile time ------------------------------
# 2-10-5-1 on 300 examples is what the notebook and the explorer train, over and over. With
# every size a constant, each loop over examples has its layer loops unrolled inside it and
# handles several examples per SIMD instruction; the loops above cannot, because with m
# unknown the compiler cannot prove that two rows of one buffer never overlap. Same arithmetic, same order
# as _descend except dW's summation (whose order BLAS does not fix either).
COURSE_DIMS = (2, 10, 5, 1)
COURSE_M = 300
_N0, _N1, _N2 = COURSE_DIMS[:3]
_M = COURSE_M
_W2_AT, _W3_AT = _N1 * _N0, _N1 * _N0 + _N2 * _N1  # where W2 and W3 start in the flat W
_A2_AT, _A3_AT = _N1 * _M, (_N1 + _N2) * _M  # where a2 and a3 start in A (and dz2, dz3 in D)
_N_W, _N_B = _W3_AT + _N2, _N1 + _N2 + 1
# numpy's pairwise tree for 300 values: two halves, each split once more into blocks of <= 128.
# _course_row_sums writes it out so the block sizes are constants (inlining _pairwise_sum's
# levels to the same end made the compile take minutes).
_H = _half(_M)
_Q0, _Q2 = _half(_H), _half(_M - _H)
assert _N1 == 10, "_course_weight_gradients pairs dz1 and a1 as ten rows"
assert min(_H, _M - _H) > 128 and max(_Q0, _H - _Q0, _Q2, _M - _H - _Q2) <= 128, "not a two-level tree"


@_njit
def _course_row_sums(values, out):
    """Set out[r] to numpy's pairwise sum of row r of values (rows of 300), the tree's sizes constant."""
    for r in range(out.shape[0]):
        start = r * _M
        left = _block_sum_inlined(values, start, _Q0) + _block_sum_inlined(values, start + _Q0, _H - _Q0)
        right = (_block_sum_inlined(values, start + _H, _Q2)
                 + _block_sum_inlined(values, start + _H + _Q2, _M - _H - _Q2))
        out[r] = left + right


@_njit
def _course_forward(X, W, b, A, z3):
    """Fill A with the course network's activations: 16 rows of 300 (a1, a2, a3); z3 is scratch."""
    for i in range(_M):
        for j in range(_N1):
            z = W[j * _N0] * X[i]
            for k in range(1, _N0):
                z += W[j * _N0 + k] * X[k * _M + i]
            z += b[j]
            A[j * _M + i] = z if z > 0.0 else 0.0
    for j in range(_N2):
        for i in range(_M):
            z = W[_W2_AT + j * _N1] * A[i]
            for k in range(1, _N1):
                z += W[_W2_AT + j * _N1 + k] * A[k * _M + i]
            z += b[_N1 + j]
            A[_A2_AT + j * _M + i] = z if z > 0.0 else 0.0
    for i in range(_M):
        z = W[_W3_AT] * A[_A2_AT + i]
        for k in range(1, _N2):
            z += W[_W3_AT + k] * A[_A2_AT + k * _M + i]
        z3[i] = z + b[_N1 + _N2]
    for i in range(_M):  # exp is a library call: kept out of the loops above so they vectorize
        A[_A3_AT + i] = 1.0 / (1.0 + np.exp(-z3[i]))


@_njit
def _course_backward(Y, W, A, D):
    """Fill D with dz3, dz2, dz1 (laid out like A)."""
    for i in range(_M):
        D[_A3_AT + i] = 1.0 / _M * (A[_A3_AT + i] - Y[i])
    for k in range(_N2):
        w = W[_W3_AT + k]
        for i in range(_M):
            da = w * D[_A3_AT + i]
            D[_A2_AT + k * _M + i] = da if A[_A2_AT + k * _M + i] > 0.0 else 0.0
    for k in range(_N1):  # da1 = W2.T @ dz2, summed over j in order
        for i in range(_M):
            da = W[_W2_AT + k] * D[_A2_AT + i]
            for j in range(1, _N2):
                da += W[_W2_AT + j * _N1 + k] * D[_A2_AT + j * _M + i]
            D[k * _M + i] = da if A[k * _M + i] > 0.0 else 0.0


@_njit(fastmath={"reassoc", "nsz", "arcp", "contract"})
def _ten_dots(x, x_at, y, y_at, out, out_at, out_step):
    """Set out[out_at + q * out_step] to x's row at x_at dotted with y's q-th row from y_at, q < 10.

    Ten sums in one pass read x once instead of ten times (rows are 300 long).
    """
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = s8 = s9 = 0.0
    for i in range(_M):
        v = x[x_at + i]
        s0 += v * y[y_at + i]
        s1 += v * y[y_at + _M + i]
        s2 += v * y[y_at + 2 * _M + i]
        s3 += v * y[y_at + 3 * _M + i]
        s4 += v * y[y_at + 4 * _M + i]
        s5 += v * y[y_at + 5 * _M + i]
        s6 += v * y[y_at + 6 * _M + i]
        s7 += v * y[y_at + 7 * _M + i]
        s8 += v * y[y_at + 8 * _M + i]
        s9 += v * y[y_at + 9 * _M + i]
    for q, total in enumerate((s0, s1, s2, s3, s4, s5, s6, s7, s8, s9)):
        out[out_at + q * out_step] = total


@_njit(fastmath={"reassoc", "nsz", "arcp", "contract"})
def _course_weight_gradients(X, A, D, dW):
    """Set dW to dz @ a_prev.T for the three layers, flat like W. Both dW1 and dW2 pair with 10 rows."""
    for k in range(_N0):  # dW1[:, k] = dz1 @ x_k
        _ten_dots(X, k * _M, D, 0, dW, k, _N0)
    for j in range(_N2):  # dW2[j, :] = dz2_j @ a1.T
        _ten_dots(D, _A2_AT + j * _M, A, 0, dW, _W2_AT + j * _N1, 1)
    for k in range(_N2):  # dW3[0, k] = dz3 @ a2_k
        total = 0.0
        for i in range(_M):
            total += D[_A3_AT + i] * A[_A2_AT + k * _M + i]
        dW[_W3_AT + k] = total


@_njit
def _course_descend(X, Y, W, b, learning_rate, start, stop, record_every, cost_every, snap_W, snap_b, snap_costs,
                    costs):
    """_descend for the course network: same arguments, without dims."""
    A = np.empty(_A3_AT + _M)
    D = np.empty(_A3_AT + _M)
    z3 = np.empty(_M)
    dW = np.empty(_N_W)
    db = np.empty(_N_B)
    terms = np.empty(_M)
    for it in range(start, stop):
        _course_forward(X, W, b, A, z3)
        _record(it, A, _A3_AT, Y, terms, W, b, record_every, cost_every, snap_W, snap_b, snap_costs, costs)
        _course_backward(Y, W, A, D)
        _course_weight_gradients(X, A, D, dW)
        _course_row_sums(D, db)  # db: one pairwise sum per row of D, in b's order
        _update(W, b, dW, db, learning_rate)


# ---- when to use it ----------------------------------------------------------------------

_warming = None
# The compiler runs at low priority, so that the training it stands in for keeps the CPU.
WARM_COMMAND = ("import os\nif hasattr(os, 'nice'):\n    os.nice(10)\n"
                "from init_utils.engine import warm\nwarm()")


def _cache_is_warm():
    """Return True if numba has every kernel compiled, on disk or in this process, to load."""
    try:
        return all(kernel.signatures or os.path.exists(kernel._cache._cache_file._index_path)
                   for kernel in (_descend, _predict_many, _course_descend))
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
    """Compile the kernels (and write numba's cache) by training tiny and course-shaped networks once."""
    X = np.array([0.5, -1.0, 2.0, 1.0, 0.3, -0.2])
    Y = np.array([[1.0, 0.0, 1.0]])
    W = np.array([0.1, -0.2, 0.3, 0.4, 0.5, -0.6])
    b = np.zeros(3)
    dims = np.array([2, 2, 1])
    _descend(X, Y[0], W, b, dims, 0.1, 0, 2, 1, 1, np.empty((2, 6)), np.empty((2, 3)), np.empty(2), np.empty(2))
    _predict_many(X, 3, W.reshape(1, -1), b.reshape(1, -1), dims, np.empty((1, 3), dtype=np.bool_))
    W, b = np.full(_N_W, 0.1), np.zeros(_N_B)
    _course_descend(np.zeros(_N0 * _M), np.zeros(_M), W, b, 0.1, 0, 2, 1, 1, np.empty((2, _N_W)),
                    np.empty((2, _N_B)), np.empty(2), np.empty(2))


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
    course = tuple(dims) == COURSE_DIMS and X.shape[1] == COURSE_M
    X = np.ascontiguousarray(X, dtype=np.float64).ravel()
    Yrow = np.ascontiguousarray(Y, dtype=np.float64).ravel()
    for start in range(0, num_iterations, CHUNK):
        stop = min(start + CHUNK, num_iterations)
        if course:
            _course_descend(X, Yrow, W, b, float(learning_rate), start, stop, record_every, cost_every,
                            snap_W, snap_b, snap_costs, costs)
        else:
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
