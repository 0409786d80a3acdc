"""The only grading code that runs next to the learner's: define their functions, call them, send back what they return.

This file runs inside the sandbox as a plain script (``python -I child.py``). It imports
only the standard library and numpy, and it decides nothing: the parent process reads
the returned values and runs the checks itself. Everything here can be tampered with by
the learner's code, which runs in this same process, so the parent trusts none of it.

Protocol: one JSON object per line. Requests arrive on the channel that was stdin,
replies leave on the channel that was stdout; fds 0, 1 and 2 are then pointed at
/dev/null, so nothing the learner prints can reach the parent.

    {"op": "start", "import_source": str, "paths": [str], "blocked": [str], "stub_names": [str]}
        -> {"ok": true} | {"error": str}
    {"op": "define", "name": str, "cell": int, "source": str}              -> {"ok": true} | {"error": str}
    {"op": "observe", "name": str, "layers_dims": [int], "seeds": [int]}
        -> {"calls": [{"pre_seed": int, "result": value, "error": raised | null, "argument_after": [..]}]}
         | {"error": str}  (the learner's code raised SystemExit/KeyboardInterrupt, or returned too much)

"observe" is initializer_checks.observe: for each seed, seed numpy's global generator,
call the function on a fresh copy of layers_dims, record what it returned or raised (an
Exception ends the observation), and finally restore the generator's state.

A value is {"none": true}, {"dict": [[key, value], ...]}, {"array": {"dtype", "shape", "data"}}
(a plain ndarray of a numeric dtype, base64 of its little-endian C-order bytes),
{"array": {"dtype", "shape"}} (other dtypes: no data) or {"opaque": {"type_name", "module",
"ndarray_subclass"}}. Keys are {"str": s}, {"int": n} or {"opaque": {...}}. A raised
exception is {"type_name", "message", "line"}.
"""
import base64
import contextlib
import io
import json
import linecache
import os
import sys
import traceback
import types

NOBODY = 65534
MAX_REPLY_BYTES = 8 * 1024 * 1024  # the parent refuses longer lines
MAX_KEYS = 256
MAX_DATA_ELEMENTS = 10_000  # per array; a right answer has at most a few hundred (protocol.py checks it)
MAX_NDIM = 64  # numpy's own limit
NUMERIC_KINDS = "biufc"


class TooLarge(Exception):
    pass


def drop_privileges():
    """As root inside the sandbox, become nobody before any learner code runs."""
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        if os.getuid() != NOBODY or os.geteuid() != NOBODY:
            raise SystemExit("could not drop privileges")


def open_channel():
    """Keep stdin/stdout as the private channel and point fds 0, 1, 2 at /dev/null."""
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), io.StringIO(), io.StringIO()
    return reader, writer


def stub_self_checks(names):
    """Stand in for public_tests (same public names): the import cell star-imports it, but the self-checks
    and their reference draws are not in the sandbox, and nothing of theirs runs while grading."""
    module = types.ModuleType("public_tests")

    def not_here(*args, **kwargs):
        raise RuntimeError("the self-checks do not run while grading")

    names = [name for name in names if isinstance(name, str) and name.isidentifier()]
    for name in names:
        setattr(module, name, not_here)
    module.__all__ = names
    sys.modules["public_tests"] = module


class Blocked:
    """Meta-path entry that makes some imports fail: numba only speeds up training, which grading never runs,
    and importing it costs more than half a second per submission."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ImportError(f"{name} is not available while grading")
        return None


class IPythonStub:
    """What get_ipython() returns here: magics and shell lines do nothing while grading, except the magics
    that run a statement (%time, %timeit, %prun, and their cell forms): those run it, as IPython does, in
    the caller's namespace. %timeit runs it -n times -r (IPython's defaults depend on the machine's speed:
    without -n and -r it runs once here)."""

    def run_line_magic(self, magic_name, line, _stack_depth=1):
        if magic_name not in TIMING_MAGICS:
            return None
        frame = sys._getframe(_stack_depth)
        return run_timed(magic_name, str(line), frame.f_globals, frame.f_locals)

    def run_cell_magic(self, magic_name, line, cell, _stack_depth=1):
        if magic_name not in TIMING_MAGICS:
            return None
        frame = sys._getframe(_stack_depth)
        return run_timed(magic_name, str(line) + "\n" + str(cell), frame.f_globals, frame.f_locals)

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


TIMING_MAGICS = {"time", "timeit", "prun"}
# Options that come before the statement, with or without a value (IPython's %time, %timeit and %prun).
OPTION_WITH_VALUE = {"time": "", "timeit": "nrp", "prun": "lsTD"}


def split_options(magic_name, line):
    """Return ({option: value}, statement) for a timing magic's line."""
    import re

    options, rest = {}, line.lstrip()
    takes = OPTION_WITH_VALUE[magic_name]
    while rest.startswith("-"):
        match = re.match(r"-([A-Za-z])(\S*)\s*", rest)
        if not match:
            break
        flag, attached = match.group(1), match.group(2)
        rest = rest[match.end():]
        if flag in takes:
            if not attached:
                value = re.match(r"(\S*)\s*", rest)
                attached, rest = value.group(1), rest[value.end():]
            options[flag] = attached
        elif magic_name == "time" and flag != "-":
            break
    return options, rest


def run_timed(magic_name, line, globals_, locals_):
    """Run the statement of %time / %timeit / %prun like IPython: an expression gives its value."""
    import ast

    options, statement = split_options(magic_name, line)
    if not statement.strip():
        return None
    tree = ast.parse(statement)
    repeat = 1
    if magic_name == "timeit" and "n" in options and "r" in options:
        try:
            repeat = max(1, int(options["n"])) * max(1, int(options["r"]))
        except ValueError:
            repeat = 1
    result = None
    for _ in range(repeat):
        if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
            result = eval(compile(ast.Expression(tree.body[0].value), "<timed eval>", "eval"), globals_, locals_)
        else:
            exec(compile(tree, "<timed exec>", "exec"), globals_, locals_)
    return result if magic_name == "time" else None


def opaque(value, np):
    kind = type(value)
    return {"opaque": {"type_name": str(kind.__name__)[:100], "module": str(kind.__module__)[:100],
                       "ndarray_subclass": isinstance(value, np.ndarray)}}


def encode_value(value, np, budget):
    if value is None:
        return {"none": True}
    if type(value) is np.ndarray:
        dtype = value.dtype
        shape = [int(n) for n in value.shape]
        sendable = len(shape) <= 2 and value.size <= MAX_DATA_ELEMENTS
        if dtype.kind in NUMERIC_KINDS and dtype.itemsize <= 16 and not dtype.fields and sendable:
            little = value.astype(dtype.newbyteorder("<")) if dtype.byteorder == ">" else value
            data = np.ascontiguousarray(little).tobytes()
            budget[0] -= len(data)
            if budget[0] < 0:
                raise TooLarge()
            return {"array": {"dtype": little.dtype.str, "shape": shape,
                              "data": base64.b64encode(data).decode("ascii")}}
        # Any other array (another dtype, more than 2 dimensions, or more entries than any right answer
        # has): its dtype and shape are enough to judge it, so no data is sent.
        return {"array": {"dtype": (dtype.str if dtype.kind in NUMERIC_KINDS and not dtype.fields
                                    else str(dtype))[:40], "shape": shape[:MAX_NDIM]}}
    return opaque(value, np)


def encode_key(key, np):
    """Send a key as initializer_checks._portable_key leaves it: str subclasses as str, integers as int."""
    if isinstance(key, str):
        return {"str": str.__str__(key)[:200]}
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        number = int.__index__(key) if isinstance(key, int) else int(key)
        if abs(number) < 2 ** 53:
            return {"int": number}
    return opaque(key, np)


def encode_result(result, np, budget):
    if isinstance(result, dict):
        keys = list(dict.keys(result))
        if len(keys) > MAX_KEYS:
            raise TooLarge()
        return {"dict": [[encode_key(k, np), encode_value(dict.__getitem__(result, k), np, budget)] for k in keys]}
    if result is None:
        return {"none": True}
    return opaque(result, np)


def shown(item):
    try:
        return repr(item)[:100]
    except Exception:
        return f"<{type(item).__name__}>"


def encode_argument(argument):
    out = []
    for item in list(argument)[:100]:
        if type(item) is int and abs(item) < 2 ** 53 or type(item) is float:
            out.append(item)
        else:
            out.append({"other": shown(item)})
    if len(argument) > 100:
        out.append({"other": "..."})
    return out


def learner_line(error, filename):
    """Return the source of the deepest traceback line in the learner's cell (else outside numpy), or None."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename != __file__]
    mine = [f for f in frames if f.filename == filename] or [f for f in frames if "numpy" not in f.filename]
    return ((mine[-1].line or None) if mine else None)


def observe(target, layers_dims, seeds, filename, np, random):
    """Call target once per seed, as initializer_checks.observe does; return the encoded calls.

    ``random`` holds numpy's own seed, get_state and set_state, kept before any learner code
    ran: a cell that assigned to np.random.seed must not break the grader's own calls.
    """
    calls, budget = [], [MAX_REPLY_BYTES * 3 // 4 - 65536]
    state = random["get_state"]()
    try:
        for seed in seeds:
            argument = list(layers_dims)
            random["seed"](seed)
            try:
                result = target(argument)
            except Exception as error:  # recorded and judged by the parent, like the self-check does
                try:
                    message = str(error)
                except Exception:
                    message = "(unprintable)"
                raised = {"type_name": type(error).__name__[:100], "message": message[:2000],
                          "line": (learner_line(error, filename) or "")[:500] or None}
                calls.append({"pre_seed": seed, "result": {"none": True}, "error": raised,
                              "argument_after": encode_argument(argument)})
                break
            calls.append({"pre_seed": seed, "result": encode_result(result, np, budget), "error": None,
                          "argument_after": encode_argument(argument)})
    finally:
        random["set_state"](state)
    return calls


def describe(error, cell):
    """Say what the learner's code raised, with its line in the cell."""
    if isinstance(error, SystemExit):
        what = "called sys.exit() / exit()"
    elif isinstance(error, KeyboardInterrupt):
        what = "raised KeyboardInterrupt"
    elif isinstance(error, MemoryError):
        what = "ran out of memory (MemoryError)"
    else:
        try:
            text = str(error)
        except Exception:
            text = "(unprintable)"
        what = f"raised {type(error).__name__}: {text[:300]}"
    filename = f"<cell {cell}>"
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    if isinstance(error, SyntaxError) and error.filename == filename:
        lines = [error.lineno]
    return what + (f" at cell {cell}, line {lines[-1]}" if lines and lines[-1] else "")


def serve(reader, writer):
    """Answer requests until the parent closes the channel."""
    namespace = {"__name__": "__main__", "get_ipython": IPythonStub}
    cells = {}
    np = random = None
    dumps, write = json.dumps, writer.write

    def reply(**message):
        write((dumps(message) + "\n").encode("ascii"))

    for line in reader:
        request = json.loads(line)
        op = request["op"]
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                if op == "start":
                    for path in reversed(request["paths"]):
                        sys.path.insert(0, path)
                    stub_self_checks(request.get("stub_names", []))
                    sys.meta_path.insert(0, Blocked(request.get("blocked", [])))
                    import numpy
                    np = numpy
                    random = {name: getattr(numpy.random, name) for name in ("seed", "get_state", "set_state")}
                    exec(compile(request["import_source"], "<import cell>", "exec"), namespace)
                    reply(ok=True)
                elif op == "define":
                    filename = f"<cell {request['cell']}>"
                    cells[request["name"]] = request["cell"]
                    linecache.cache[filename] = (len(request["source"]), None,
                                                 request["source"].splitlines(True), filename)
                    exec(compile(request["source"], filename, "exec"), namespace)
                    if not callable(namespace.get(request["name"])):
                        reply(error=f"the cell does not define {request['name']}")
                    else:
                        reply(ok=True)
                elif op == "observe":
                    target = namespace.get(request["name"])
                    filename = f"<cell {cells.get(request['name'])}>"
                    try:
                        calls = observe(target, request["layers_dims"], request["seeds"], filename, np, random)
                    except TooLarge:
                        reply(error=f"{request['name']} returned more data than the grader reads "
                                    f"(at most {MAX_KEYS} keys and about {MAX_REPLY_BYTES // 2 ** 21} MB of arrays)")
                        continue
                    reply(calls=calls)
        except BaseException as error:  # the learner's code may raise anything, SystemExit included
            reply(error=describe(error, cells.get(request.get("name"), request.get("cell", "?"))))
        sink.seek(0)
        sink.truncate(0)


def main():
    if "--drop-privileges" in sys.argv:
        drop_privileges()
    reader, writer = open_channel()
    serve(reader, writer)


if __name__ == "__main__":
    main()
