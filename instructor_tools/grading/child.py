"""The only grading code that runs next to the learner's: run one graded cell, call its function, send back what it returns.

This file runs inside the sandbox as a plain script (``python -I child.py``), one process per
graded function. It runs the cells through IPython's own InteractiveShell, so magics and
shell lines behave as in Jupyter, and it observes the function with public_tests/observation.py,
the same code the learner's self-check uses (the rest of public_tests, with its reference draws,
is not in the sandbox: a stand-in module holds the self-checks' names). It decides nothing: the parent reads the returned
values and runs the checks itself. The learner's code runs in this same process and can
tamper with all of it, so the parent trusts none of it.

Protocol: one JSON object per line. Requests arrive on the channel that was stdin, replies
leave on the channel that was stdout; fds 0, 1 and 2 then point at /dev/null, so nothing the
learner prints reaches the parent. After an {"error": ...} reply the child stops.

    {"op": "start", "import_source": str, "paths": [str], "blocked": [str], "stub_names": [str],
     "observation": path of observation.py, "limits": {...}}
        -> {"ok": true} | {"error": str}
    {"op": "define", "name": str, "cell": int, "source": str}              -> {"ok": true} | {"error": str}
    {"op": "observe", "name": str, "layers_dims": [int], "seeds": [int]}
        -> {"calls": [{"pre_seed": int, "result": value, "error": raised | null, "argument_after": [..]}]}
         | {"error": str}  (the learner's code raised SystemExit/KeyboardInterrupt, or returned too much)

A value is {"none": true}, {"dict": [[key, value], ...]}, {"array": {"dtype", "shape", "data"}}
(a plain ndarray of a numeric dtype, base64 of its little-endian C-order bytes),
{"array": {"dtype", "shape"}} (other dtypes, or too large: no data) or {"opaque": {"type_name",
"module", "ndarray_subclass"}}. Keys are {"str": s}, {"int": n} or {"opaque": {...}}. A raised
exception is {"type_name", "message", "line"}. protocol.py reads all of it.
"""
import base64
import importlib.util
import io
import json
import os
import sys
import traceback
import types

NUMERIC_KINDS = "biufc"


class TooLarge(Exception):
    pass


def drop_privileges(uid):
    """As root inside the sandbox, become ``uid`` before any learner code runs."""
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if os.getuid() != uid or os.geteuid() != uid:
            raise SystemExit("could not drop privileges")


def open_channel():
    """Keep stdin/stdout as the private channel and point fds 0, 1, 2 at /dev/null."""
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), open(os.devnull, "w"), open(os.devnull, "w")
    return reader, writer


class Blocked:
    """Meta-path entry that makes some imports fail: numba only speeds up training, which grading never runs,
    and importing it costs more than half a second per session."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ImportError(f"{name} is not available while grading")
        return None


def opaque(value, np):
    kind = type(value)
    return {"opaque": {"type_name": str(kind.__name__)[:100], "module": str(kind.__module__)[:100],
                       "ndarray_subclass": isinstance(value, np.ndarray)}}


def encode_value(value, np, budget, limits):
    if value is None:
        return {"none": True}
    if type(value) is not np.ndarray:
        return opaque(value, np)
    dtype, shape = value.dtype, [int(n) for n in value.shape]
    sendable = len(shape) <= 2 and value.size <= limits["max_data_elements"]
    if dtype.kind in NUMERIC_KINDS and dtype.itemsize <= 16 and not dtype.fields and sendable:
        little = value.astype(dtype.newbyteorder("<")) if dtype.byteorder == ">" else value
        data = np.ascontiguousarray(little).tobytes()
        budget[0] -= len(data)
        if budget[0] < 0:
            raise TooLarge()
        return {"array": {"dtype": little.dtype.str, "shape": shape, "data": base64.b64encode(data).decode("ascii")}}
    # Any other array (another dtype, more than 2 dimensions, or more entries than any right answer
    # has): its dtype and shape are enough to judge it, so no data is sent.
    shown = dtype.str if dtype.kind in NUMERIC_KINDS and not dtype.fields else str(dtype)
    return {"array": {"dtype": shown[:40], "shape": shape[:limits["max_ndim"]]}}


def encode_key(key, np):
    """Send a key as observation.portable leaves it: str subclasses as str, integers as int."""
    if isinstance(key, str):
        return {"str": str.__str__(key)[:200]}
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        number = int.__index__(key) if isinstance(key, int) else int(key)
        if abs(number) < 2 ** 53:
            return {"int": number}
    return opaque(key, np)


def encode_result(result, np, budget, limits):
    if isinstance(result, dict):
        keys = list(dict.keys(result))
        if len(keys) > limits["max_keys"]:
            raise TooLarge()
        return {"dict": [[encode_key(k, np), encode_value(dict.__getitem__(result, k), np, budget, limits)]
                         for k in keys]}
    if result is None:
        return {"none": True}
    return opaque(result, np)


def shown(item):
    try:
        return repr(item)[:100]
    except Exception:
        return f"<{type(item).__name__}>"


def encode_argument(argument):
    out = [item if type(item) is int and abs(item) < 2 ** 53 or type(item) is float else {"other": shown(item)}
           for item in list(argument)[:100]]
    return out + ([{"other": "..."}] if len(argument) > 100 else [])


def encode_raised(raised):
    if raised is None:
        return None
    return {"type_name": str(raised.type_name)[:100], "message": str(raised.message)[:2000],
            "line": (str(raised.line or "")[:500]) or None}


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


def stub_self_checks(names):
    """Stand in for public_tests (same public names): the import cell star-imports it, but the self-checks
    and their reference draws are not in the sandbox, and nothing of theirs runs while grading."""
    module = types.ModuleType("public_tests")

    def not_here(*args, **kwargs):
        raise RuntimeError("the self-checks do not run while grading")

    module.__all__ = [name for name in names if isinstance(name, str) and name.isidentifier()]
    for name in module.__all__:
        setattr(module, name, not_here)
    sys.modules["public_tests"] = module


def load_observation(path):
    """Load public_tests/observation.py, the self-check's own observation, from ``path`` (it imports only numpy)."""
    spec = importlib.util.spec_from_file_location("observation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Cell:
    """One graded function's session: an IPython shell, the import cell, the graded cell, its observation."""

    def __init__(self, request):
        for path in reversed(request["paths"]):
            sys.path.insert(0, path)
        sys.meta_path.insert(0, Blocked(request["blocked"]))
        stub_self_checks(request["stub_names"])
        self.limits, self.name, self.cell = request["limits"], None, "?"
        import numpy

        # loaded before any learner code runs: it keeps numpy's own seed, get_state and set_state
        self.np, self.observation = numpy, load_observation(request["observation"])
        self.shell = _shell(self)
        self.run(request["import_source"])

    def run(self, source):
        """Run a cell as Jupyter does; raise what it raised."""
        outcome = self.shell.run_cell(source, store_history=False)
        error = outcome.error_before_exec or outcome.error_in_exec
        if error is not None:
            raise error

    def define(self, request):
        self.name, self.cell = request["name"], request["cell"]
        self.run(request["source"])
        return callable(self.shell.user_ns.get(self.name))

    def observe(self, request):
        np, limits, budget = self.np, self.limits, [self.limits["max_reply_bytes"] // 2]
        seen = self.observation.observe(self.shell.user_ns.get(self.name), request["layers_dims"], request["seeds"],
                                        keep=lambda result: encode_result(result, np, budget, limits),
                                        learner_file=f"<cell {self.cell}>")
        return [{"pre_seed": call.pre_seed, "result": {"none": True} if call.error else call.result,
                 "error": encode_raised(call.error), "argument_after": encode_argument(call.argument_after)}
                for call in seen.calls]


def _shell(session):
    """Return IPython's InteractiveShell, naming each cell's code "<cell N>" (N: its number in the notebook)."""
    from IPython.core.compilerop import CachingCompiler
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class CellNamed(CachingCompiler):
        def get_code_name(self, raw_code, transformed_code, number):
            return f"<cell {session.cell}>"

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # as in Jupyter's kernel: "inline" figures need no event loop
            pass

    config = Config()
    config.HistoryManager.enabled = False
    return Shell.instance(config=config, compiler_class=CellNamed)


def answer(session, request):
    """Return the reply to one request."""
    if request["op"] == "define":
        return {"ok": True} if session.define(request) else {"error": f"the cell does not define {request['name']}"}
    try:
        return {"calls": session.observe(request)}
    except TooLarge:
        return {"error": f"{session.name} returned more data than the grader reads (at most "
                         f"{session.limits['max_keys']} keys and about "
                         f"{session.limits['max_reply_bytes'] // 2048} KB of arrays)"}


def serve(reader, writer):
    """Answer requests until the parent closes the channel or a reply is an error."""
    dumps, write, session = json.dumps, writer.write, None
    for line in reader:
        request = json.loads(line)
        try:
            if request["op"] == "start":
                session = Cell(request)
                reply = {"ok": True}
            else:
                reply = answer(session, request)
        except BaseException as error:  # the learner's code may raise anything, SystemExit included
            reply = {"error": describe(error, session.cell if session else "?")}
        write((dumps(reply) + "\n").encode("ascii"))
        if "error" in reply:
            return


def main():
    if "--uid" in sys.argv:
        drop_privileges(int(sys.argv[sys.argv.index("--uid") + 1]))
    reader, writer = open_channel()
    serve(reader, writer)


if __name__ == "__main__":
    main()
