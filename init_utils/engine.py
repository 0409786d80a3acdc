"""The fast engine behind ``train``: the course's gradient-descent loop compiled with numba.

Not pure math: besides numpy it imports numba (optional) and may start a compiler process.

It computes what ``training.train_plain`` computes, without the ~20 numpy calls per
iteration. Weights and biases live in two flat buffers, so one kernel serves every depth
and size; the course network (2-10-5-1 on 300 examples) has a second kernel with those
sizes fixed at compile time, about twice as fast. The output sigmoid uses a vectorized exp
(see _sigmoid), within a few ulp of numpy's. Sums run in whatever order is fastest,
as BLAS's do, so costs agree with the numpy loop to about 1e-15, not bit for bit. Where
the math is exact (every partial sum of the zeros run's +-0.5 errors), so is the engine.
The kernels record the network's output row at each recorded iteration; the cost itself
is computed by ``loss.compute_loss``, the one definition of the cost.

numba is optional. ``make`` compiles the kernels at install. Where the compiled cache is
missing or stale, ``train`` says so once, starts ``compile_in_background()`` and trains on
numpy meanwhile. Set INIT_UTILS_ENGINE=numpy to force the numpy path.
"""
import atexit
import functools
import hashlib
import os
import pathlib
import subprocess
import sys

import numpy as np

CHUNK = 1000

try:  # numba is an accelerator, never a requirement
    import numba
except Exception:  # ImportError, or a broken install on an unsupported platform
    numba = None

# Sums may be reordered and multiply-adds fused, as BLAS does; inf and nan keep IEEE meaning
# (no "nnan"/"ninf"): the large random run depends on them.
FAST = {"reassoc", "nsz", "arcp", "contract"}


def _njit(function=None, **options):
    if function is None:
        return lambda f: _njit(f, **options)
    # error_model="numpy": IEEE division (1/0 is inf) without a zero check per element.
    options.setdefault("fastmath", FAST)
    return (numba.njit(cache=True, nogil=True, error_model="numpy", **options)(function)
            if numba is not None else function)


# ---- the output sigmoid ----------------------------------------------------------------------
# A call to the C library's exp per example cannot use SIMD and took a fifth of a training run.
# This exp is a loop the compiler vectorizes: x = k ln2 + r with |r| <= ln2 / 2, exp(r) by its
# Taylor polynomial to degree 13 (error below 1e-17), 2^k built from its bits. The sigmoid is
# then within 3 ulp of numpy's (1.5 ulp above 1e-290), exactly 0.5 at 0, and saturates where
# numpy's does: 1/(1 + exp(-z)) is exactly 1 for z >= 38 and exactly 0 past z = -709.78.
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700
_SHIFTER = 6755399441055744.0  # 1.5 * 2**52: adding it rounds to an integer kept in the low bits
_SHIFTER_BITS = 0x4338000000000000
_TAYLOR = tuple(1.0 / float(np.prod(np.arange(1, n + 1))) for n in range(13, -1, -1))  # 1/13!, ..., 1/0!


@_njit(fastmath=False)  # no reassociation: (x + _SHIFTER) - _SHIFTER must not fold to x
def _sigmoid(z, out, shifted, bits):
    """Set out to 1 / (1 + exp(-z)) elementwise; shifted (float) and bits (int64) are scratch."""
    n = z.shape[0]
    for i in range(n):
        x = min(max(-z[i], -40.0), 709.78)
        shifted[i] = x * _INV_LN2 + _SHIFTER
    as_int = shifted.view(np.int64)
    for i in range(n):
        bits[i] = (as_int[i] - _SHIFTER_BITS + 1022) << 52  # 2^(k-1): stays finite for k = 1024
    half_scale = bits.view(np.float64)
    for i in range(n):
        x = -z[i]
        k = shifted[i] - _SHIFTER
        r = (min(max(x, -40.0), 709.78) - k * _LN2_HI) - k * _LN2_LO
        p = _TAYLOR[0]
        for c in _TAYLOR[1:]:
            p = p * r + c
        a = 1.0 / (1.0 + (p * half_scale[i]) * 2.0)
        out[i] = 0.0 if x > 709.78 else (1.0 if x < -40.0 else a)


# ---- any depth and size ----------------------------------------------------------------------

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
def _forward(X, W, b, dims, woff, boff, aoff, A, m, row, shifted, bits):
    """Fill the activation buffer A: layer 0 is X (flattened), hidden layers ReLU, the last sigmoid.

    Sums go to the separate ``row`` buffer first, so that no loop reads and writes one array;
    shifted and bits are the sigmoid's scratch (m each).
    """
    L = dims.shape[0] - 1
    for i in range(dims[0] * m):
        A[i] = X[i]
    for l in range(1, L + 1):
        n, n_prev = dims[l], dims[l - 1]
        for j in range(n):
            for i in range(m):
                row[i] = 0.0
            for k in range(n_prev):
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
                    row[i] += bias
                _sigmoid(row, out, shifted, bits)


@_njit
def _sum(values, start, n):
    """Return the sum of values[start:start+n], in any order."""
    part = values[start:start + n]  # a slice indexed from 0 by a range: no wraparound checks,
    total = 0.0  # so the loop vectorizes
    for i in range(n):
        total += part[i]
    return total


@_njit
def _dot(x, x_start, y, y_start, n):
    """Return sum(x[x_start:x_start+n] * y[y_start:y_start+n]), in any order."""
    xs = x[x_start:x_start + n]
    ys = y[y_start:y_start + n]
    total = 0.0
    for i in range(n):
        total += xs[i] * ys[i]
    return total


@_njit
def _output_error(A, at, Y, m, err):
    """Set err to aL - Y and return its sum divided by m: db of the last layer.

    The errors are summed before scaling, so a sum the math makes exactly 0 (the zeros
    run: +-0.5 each, labels balanced) comes out exactly 0 in any order.
    """
    for i in range(m):
        err[i] = A[at + i] - Y[i]
    return _sum(err, 0, m) / m


@_njit
def _record(it, A, at, m, W, b, record_every, cost_every, snap_W, snap_b, snap_out, cost_out):
    """At a recorded iteration, keep the output row A[at:at+m] (and a parameter snapshot)."""
    if it % record_every == 0:
        k = it // record_every
        snap_W[k, :] = W
        snap_b[k, :] = b
        snap_out[k, :] = A[at:at + m]
    if it % cost_every == 0:
        cost_out[it // cost_every, :] = A[at:at + m]


@_njit
def _update(W, b, dW, db, learning_rate):
    """Take one gradient-descent step in place."""
    for i in range(W.shape[0]):
        W[i] = W[i] - learning_rate * dW[i]
    for i in range(b.shape[0]):
        b[i] = b[i] - learning_rate * db[i]


@_njit
def _descend(X, Y, W, b, dims, learning_rate, start, stop, record_every, cost_every, snap_W, snap_b, snap_out,
             cost_out):
    """Run iterations [start, stop) in place on W, b; record snapshots and output rows by iteration."""
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
    err = np.empty(m)
    row = np.empty(m)
    shifted, bits = np.empty(m), np.empty(m, np.int64)
    for it in range(start, stop):
        _forward(X, W, b, dims, woff, boff, aoff, A, m, row, shifted, bits)
        _record(it, A, aoff[L], m, W, b, record_every, cost_every, snap_W, snap_b, snap_out, cost_out)
        db[boff[L]] = _output_error(A, aoff[L], Y, m, err)
        for i in range(m):
            dz[i] = 1.0 / m * err[i]
        for l in range(L, 0, -1):
            n, n_prev = dims[l], dims[l - 1]
            for j in range(n):
                if l < L:
                    db[boff[l] + j] = _sum(dz, j * m, m)
                for k in range(n_prev):
                    dW[woff[l] + j * n_prev + k] = _dot(dz, j * m, A, aoff[l - 1] + k * m, m)
            if l > 1:
                for k in range(n_prev):  # da_prev = W.T @ dz, then zero where the ReLU was off
                    target = dz_prev[k * m:(k + 1) * m]
                    for i in range(m):
                        target[i] = 0.0
                    for j in range(n):
                        w = W[woff[l] + j * n_prev + k]
                        source = dz[j * m:(j + 1) * m]
                        for i in range(m):
                            target[i] += w * source[i]
                    a_prev = A[aoff[l - 1] + k * m:aoff[l - 1] + (k + 1) * m]
                    for i in range(m):
                        target[i] = target[i] if a_prev[i] > 0.0 else 0.0
                for i in range(n_prev * m):
                    dz[i] = dz_prev[i]
        _update(W, b, dW, db, learning_rate)


@_njit
def _predict_many(X, m, snap_W, snap_b, dims, out):
    """Set out[s, i] to whether snapshot s's output on example i is above 0.5."""
    L = dims.shape[0] - 1
    woff, boff, aoff = _offsets(dims, m)
    A = np.empty(aoff[L + 1])
    row = np.empty(m)
    shifted, bits = np.empty(m), np.empty(m, np.int64)
    for s in range(snap_W.shape[0]):
        _forward(X, snap_W[s], snap_b[s], dims, woff, boff, aoff, A, m, row, shifted, bits)
        for i in range(m):
            out[s, i] = A[aoff[L] + i] > 0.5


# ---- the course network, sizes fixed at compile time -------------------------------------------
# 2-10-5-1 on 300 examples is what the notebook and the explorer train, over and over. With every
# size a constant, each loop over examples holds its layer loops unrolled and handles several
# examples per SIMD instruction; with m unknown the compiler cannot prove that two rows of one
# buffer never overlap, so the loops above stay scalar.
COURSE_DIMS = (2, 10, 5, 1)
COURSE_M = 300
_N0, _N1, _N2 = COURSE_DIMS[:3]
_M = COURSE_M
_W2_AT, _W3_AT = _N1 * _N0, _N1 * _N0 + _N2 * _N1  # where W2 and W3 start in the flat W
_A2_AT, _A3_AT = _N1 * _M, (_N1 + _N2) * _M  # where a2 and a3 start in A (and dz2, dz3 in D)
_N_W, _N_B = _W3_AT + _N2, _N1 + _N2 + 1


@_njit
def _course_forward(X, W, b, A, z3, shifted, bits):
    """Fill A with the course network's activations: 16 rows of 300 (a1, a2, a3); the rest is scratch."""
    for i in range(_M):
        for j in range(_N1):
            z = 0.0
            for k in range(_N0):
                z += W[j * _N0 + k] * X[k * _M + i]
            z += b[j]
            A[j * _M + i] = z if z > 0.0 else 0.0
    for j in range(_N2):
        for i in range(_M):
            z = 0.0
            for k in range(_N1):
                z += W[_W2_AT + j * _N1 + k] * A[k * _M + i]
            z += b[_N1 + j]
            A[_A2_AT + j * _M + i] = z if z > 0.0 else 0.0
    for i in range(_M):
        z = 0.0
        for k in range(_N2):
            z += W[_W3_AT + k] * A[_A2_AT + k * _M + i]
        z3[i] = z + b[_N1 + _N2]
    _sigmoid(z3, A[_A3_AT:], shifted, bits)


@_njit
def _course_backward(Y, W, A, D, err, db):
    """Fill D with dz3, dz2, dz1 (laid out like A) and db with the bias gradients."""
    db[_N1 + _N2] = _output_error(A, _A3_AT, Y, _M, err)
    for i in range(_M):
        D[_A3_AT + i] = 1.0 / _M * err[i]
    for k in range(_N2):
        w = W[_W3_AT + k]
        for i in range(_M):
            da = w * D[_A3_AT + i]
            D[_A2_AT + k * _M + i] = da if A[_A2_AT + k * _M + i] > 0.0 else 0.0
    for k in range(_N1):  # da1 = W2.T @ dz2
        for i in range(_M):
            da = 0.0
            for j in range(_N2):
                da += W[_W2_AT + j * _N1 + k] * D[_A2_AT + j * _M + i]
            D[k * _M + i] = da if A[k * _M + i] > 0.0 else 0.0
    for r in range(_N1 + _N2):
        db[r] = _sum(D, r * _M, _M)


@_njit
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


@_njit
def _course_weight_gradients(X, A, D, dW):
    """Set dW to dz @ a_prev.T for the three layers, flat like W (dW1 and dW2 each pair with 10 rows)."""
    for k in range(_N0):  # dW1[:, k] = dz1 @ x_k
        _ten_dots(X, k * _M, D, 0, dW, k, _N0)
    for j in range(_N2):  # dW2[j, :] = dz2_j @ a1.T
        _ten_dots(D, _A2_AT + j * _M, A, 0, dW, _W2_AT + j * _N1, 1)
    for k in range(_N2):  # dW3[0, k] = dz3 @ a2_k
        dW[_W3_AT + k] = _dot(D, _A3_AT, A, _A2_AT + k * _M, _M)


@_njit
def _course_descend(X, Y, W, b, learning_rate, start, stop, record_every, cost_every, snap_W, snap_b, snap_out,
                    cost_out):
    """_descend for the course network: same arguments, without dims."""
    A = np.empty(_A3_AT + _M)
    D = np.empty(_A3_AT + _M)
    z3 = np.empty(_M)
    err = np.empty(_M)
    dW = np.empty(_N_W)
    db = np.empty(_N_B)
    shifted, bits = np.empty(_M), np.empty(_M, np.int64)
    for it in range(start, stop):
        _course_forward(X, W, b, A, z3, shifted, bits)
        _record(it, A, _A3_AT, _M, W, b, record_every, cost_every, snap_W, snap_b, snap_out, cost_out)
        _course_backward(Y, W, A, D, err, db)
        _course_weight_gradients(X, A, D, dW)
        _update(W, b, dW, db, learning_rate)


# ---- is it compiled? ---------------------------------------------------------------------------
# numba keeps compiled kernels on disk, keyed by engine.py's modification time and size and by
# the CPU it compiled for. warm() leaves a stamp with the same key beside them, so a cheap check
# tells whether the first call would load machine code or compile for half a minute.

@functools.lru_cache(maxsize=1)
def _target():
    """Return what numba compiles for: its version, the CPU name and features (read once, as numba does)."""
    if numba is None:
        return ""
    import llvmlite.binding as llvm

    cpu = os.environ.get("NUMBA_CPU_NAME") or llvm.get_host_cpu_name()
    features = os.environ.get("NUMBA_CPU_FEATURES") or llvm.get_host_cpu_features().flatten()
    return f"{numba.__version__} {sys.version} {cpu} {features}"


def _stamp_path():
    """Return the stamp file that says this engine is compiled for this CPU, source and numba."""
    source = pathlib.Path(__file__)
    info = source.stat()
    key = f"{info.st_mtime_ns} {info.st_size} {_target()}"
    folder = pathlib.Path(os.environ.get("NUMBA_CACHE_DIR") or source.parent / "__pycache__")
    return folder / f"engine-compiled-{hashlib.sha256(key.encode()).hexdigest()[:16]}.stamp"


def requested():
    """Return True unless numba is missing or INIT_UTILS_ENGINE=numpy forces the numpy loop."""
    return numba is not None and os.environ.get("INIT_UTILS_ENGINE", "auto") != "numpy"


def available():
    """Return True if the compiled engine can run now without compiling (a check only)."""
    if not requested():
        return False
    if os.environ.get("INIT_UTILS_ENGINE") == "numba":
        return True
    try:
        return _stamp_path().exists()
    except OSError:
        return False


_compiler = None
NOTICE = ("init_utils: compiling the fast training engine for this machine (once, about half a minute, in the "
          "background); until it is ready, training runs on plain numpy: same results, slower.")


def compiling():
    """Return True while a background compilation started by this process is running."""
    return _compiler is not None and _compiler.poll() is None


def compile_in_background():
    """Start compiling the kernels in a low-priority child process, once; print a notice to stderr.

    numba writes its cache file by file, and a process that calls a kernel later loads it
    from there. The child is stopped and reaped when this interpreter exits.
    """
    global _compiler
    if _compiler is not None or not requested():
        return
    print(NOTICE, file=sys.stderr)
    code = ("import os\nif hasattr(os, 'nice'):\n    os.nice(10)\n"
            "from init_utils.engine import warm\nwarm()")
    _compiler = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    atexit.register(_stop_compiler)


def _stop_compiler():
    if compiling():
        _compiler.terminate()
    if _compiler is not None:
        _compiler.wait()


def warm():
    """Compile every kernel into numba's cache (loading it if already there), then leave the stamp."""
    if not requested():
        return
    X = np.array([0.5, -1.0, 2.0, 1.0, 0.3, -0.2])
    Y = np.array([1.0, 0.0, 1.0])
    W = np.array([0.1, -0.2, 0.3, 0.4, 0.5, -0.6])
    b = np.zeros(3)
    dims = np.array([2, 2, 1])
    _descend(X, Y, W, b, dims, 0.1, 0, 2, 1, 1, np.empty((2, 6)), np.empty((2, 3)), np.empty((2, 3)),
             np.empty((2, 3)))
    _predict_many(X, 3, W.reshape(1, -1), b.reshape(1, -1), dims, np.empty((1, 3), dtype=np.bool_))
    W, b = np.full(_N_W, 0.1), np.zeros(_N_B)
    _course_descend(np.zeros(_N0 * _M), np.zeros(_M), W, b, 0.1, 0, 2, 1, 1, np.empty((2, _N_W)),
                    np.empty((2, _N_B)), np.empty((2, _M)), np.empty((2, _M)))
    stamp = _stamp_path()
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("numba compiled the init_utils engine for this key\n")


# ---- running it --------------------------------------------------------------------------------

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
    flat = [flatten(p) for p in snapshots]
    dims = np.array([X.shape[0]] + flat[0][2], dtype=np.int64)
    out = np.empty((len(snapshots), X.shape[1]), dtype=np.bool_)
    _predict_many(np.ascontiguousarray(X, dtype=np.float64).ravel(), X.shape[1], np.array([f[0] for f in flat]),
                  np.array([f[1] for f in flat]), dims, out)
    return out


def run(X, Y, parameters, learning_rate, num_iterations, record_every, cost_every, on_chunk):
    """Train with a compiled kernel; return (final parameters, snapshots, snapshot outputs, cost outputs).

    ``parameters`` are the initial ones (not modified). Snapshot k is taken before the
    update of iteration k * record_every; ``snapshot outputs`` (n_snapshots, m) holds the
    network's output aL at each, and ``cost outputs`` (n_costs, m) the output at every
    cost_every-th iteration. ``on_chunk(stop, cost_outputs)`` is called after each chunk of
    iterations [.., stop), when the rows of iterations below ``stop`` are filled.
    """
    W, b, sizes = flatten(parameters)
    dims = np.array([X.shape[0]] + sizes, dtype=np.int64)
    m = X.shape[1]
    n_snapshots = -(-num_iterations // record_every)
    snap_W = np.empty((n_snapshots + 1, W.size))
    snap_b = np.empty((n_snapshots + 1, b.size))
    snap_out = np.empty((n_snapshots, m))
    cost_out = np.empty((-(-num_iterations // cost_every), m))
    course = tuple(dims) == COURSE_DIMS and m == COURSE_M
    X = np.ascontiguousarray(X, dtype=np.float64).ravel()
    Yrow = np.ascontiguousarray(Y, dtype=np.float64).ravel()
    for start in range(0, num_iterations, CHUNK):
        stop = min(start + CHUNK, num_iterations)
        if course:
            _course_descend(X, Yrow, W, b, float(learning_rate), start, stop, record_every, cost_every,
                            snap_W, snap_b, snap_out, cost_out)
        else:
            _descend(X, Yrow, W, b, dims, float(learning_rate), start, stop, record_every, cost_every,
                     snap_W, snap_b, snap_out, cost_out)
        on_chunk(stop, cost_out)
    snap_W[n_snapshots], snap_b[n_snapshots] = W, b
    return unpack(W, b, dims), [unpack(w, bb, dims) for w, bb in zip(snap_W, snap_b)], snap_out, cost_out
