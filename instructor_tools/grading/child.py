"""The only grading code that runs next to the learner's: run one graded cell, call its function, send back what it returns.

It runs in the sandbox as a script (``python -I child.py``), one process per graded function, runs the cells with
IPython's InteractiveShell and observes the function with public_tests/observation.py. It decides nothing, and the
parent trusts none of it. Wire format: one JSON object per line, on what were stdin and stdout (fds 0-2 then point
at /dev/null); requests {"op": "start" | "define" | "observe", ...}, replies {"ok": true}, {"calls": [{"pre_seed",
"result", "error", "argument_after"}]} or {"error": str}, after which the child stops. A value is {"none": true},
{"dict": [[key, value], ...]}, {"array": {"dtype", "shape"[, "data": base64 of little-endian C-order bytes]}} or
{"opaque": {"type_name", "module", "ndarray_subclass"}}; a key {"str"}, {"int"} or an opaque.
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
STOPPED = ((SystemExit, "called sys.exit() / exit()"), (KeyboardInterrupt, "raised KeyboardInterrupt"),
           (MemoryError, "ran out of memory (MemoryError)"))


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
    reader, writer = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), open(os.devnull, "w"), open(os.devnull, "w")
    return reader, writer


class Blocked:
    """Make some imports fail: numba only speeds up training, which grading never runs, and costs 0.5 s to import."""

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
    numeric = dtype.kind in NUMERIC_KINDS and not dtype.fields
    if numeric and dtype.itemsize <= 16 and len(shape) <= 2 and value.size <= limits["max_data_elements"]:
        little = value.astype(dtype.newbyteorder("<")) if dtype.byteorder == ">" else value
        data = np.ascontiguousarray(little).tobytes()
        budget[0] -= len(data)
        if budget[0] < 0:
            raise TooLarge()
        return {"array": {"dtype": little.dtype.str, "shape": shape, "data": base64.b64encode(data).decode("ascii")}}
    # Another dtype, more than 2 dimensions, or more entries than any right answer has: dtype and shape judge it.
    return {"array": {"dtype": (dtype.str if numeric else str(dtype))[:40], "shape": shape[:limits["max_ndim"]]}}


def encode_key(key, observation):
    """Send a key as observation.portable leaves it: str subclasses as str, integers as int."""
    if isinstance(key, str):
        return {"str": str.__str__(key)[:200]}
    if isinstance(key, (int, observation.np.integer)) and not isinstance(key, bool):
        number = observation.plain_number(key)
        if number is not None:
            return {"int": number}
    return opaque(key, observation.np)


def encode_result(result, observation, budget, limits):
    """Send what the function returned (``observation``: public_tests/observation.py, as loaded here)."""
    np = observation.np
    if isinstance(result, dict):
        items = list(dict.items(result))  # dict's own items(): no subclass method runs, no key is looked up
        if len(items) > limits["max_keys"]:
            raise TooLarge()
        return {"dict": [[encode_key(k, observation), encode_value(v, np, budget, limits)] for k, v in items]}
    return {"none": True} if result is None else opaque(result, np)


def encode_argument(argument):
    """Send layers_dims as observation.plain_argument left it: plain numbers, and the repr of anything else."""
    out = [{"other": str.__str__(item)} if isinstance(item, str) else item for item in argument[:100]]
    return out + ([{"other": "..."}] if len(argument) > 100 else [])


def encode_raised(raised, max_message):
    if raised is None:
        return None
    return {"type_name": str(raised.type_name)[:100], "message": str(raised.message)[:max_message],
            "line": (str(raised.line or "")[:500]) or None}


def describe(error, cell):
    """Say what the learner's code raised, with its line in the cell."""
    what = next((words for kind, words in STOPPED if isinstance(error, kind)), None)
    if what is None:
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
    """Stand in for public_tests with its public names: the import cell star-imports it, but no self-check runs here."""
    module = types.ModuleType("public_tests")

    def not_here(*args, **kwargs):
        raise RuntimeError("the self-checks do not run while grading")

    module.__all__ = [name for name in names if isinstance(name, str) and name.isidentifier()]
    for name in module.__all__:
        setattr(module, name, not_here)
    sys.modules["public_tests"] = module


class Cell:
    """One graded function's session: an IPython shell, the import cell, the graded cell, its observation."""

    def __init__(self, request):
        sys.path[:0] = request["paths"]
        sys.meta_path.insert(0, Blocked(request["blocked"]))
        stub_self_checks(request["stub_names"])
        self.limits, self.name, self.cell = request["limits"], None, "?"
        # loaded (with numpy) before any learner code runs: it keeps numpy's own seed, get_state and set_state
        spec = importlib.util.spec_from_file_location("observation", request["observation"])
        self.observation = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.observation)
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
        return {"ok": True} if callable(self.shell.user_ns.get(self.name)) else {
            "error": f"the cell does not define {self.name}"}

    def observe(self, request):
        try:
            return observe_reply(self.shell.user_ns.get(self.name), request["layers_dims"], request["seeds"],
                                 self.observation, self.limits, f"<cell {self.cell}>")
        except TooLarge:
            return {"error": f"{self.name} returned more data than the grader reads (at most {self.limits['max_keys']} keys "
                             f"and about {self.limits['max_reply_bytes'] // 2048} KB of arrays)"}


def observe_reply(function, layers_dims, seeds, observation, limits, learner_file=None):
    """Observe ``function`` with ``observation`` (public_tests/observation.py, as loaded here); return the reply."""
    budget = [limits["max_reply_bytes"] // 2]
    seen = observation.observe(function, layers_dims, seeds, learner_file=learner_file,
                               keep=lambda result: encode_result(result, observation, budget, limits))
    return {"calls": [{"pre_seed": call.pre_seed, "result": {"none": True} if call.error else call.result,
                       "error": encode_raised(call.error, observation.MAX_MESSAGE),
                       "argument_after": encode_argument(call.argument_after)}
                      for call in seen.calls]}


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


def serve(reader, writer):
    """Answer requests until the parent closes the channel or a reply is an error."""
    dumps, write, session = json.dumps, writer.write, None
    for line in reader:
        request = json.loads(line)
        try:
            if request["op"] == "start":
                session, reply = Cell(request), {"ok": True}
            else:
                reply = session.define(request) if request["op"] == "define" else session.observe(request)
        except BaseException as error:  # the learner's code may raise anything, SystemExit included
            reply = {"error": describe(error, session.cell if session else "?")}
        write((dumps(reply) + "\n").encode("ascii"))
        if "error" in reply:
            return


if __name__ == "__main__":
    if "--uid" in sys.argv:
        drop_privileges(int(sys.argv[sys.argv.index("--uid") + 1]))
    serve(*open_channel())
