"""Run a submission's graded cells in a child process with limits, and collect a verdict per exercise.

The parent (``run_exercises``) starts ``python -m public_tests.sandbox`` in a scratch
directory, in its own session, with limits on CPU time, memory and written file size,
and reads one JSON event per line from a private pipe. Whatever the child does (loop
forever, exit, crash, exhaust memory), the parent still returns a verdict for every
exercise: the ones that ran keep their result, the one that was running gets the error.
This isolates mistakes; it is not a defence against a determined attacker.
"""
import contextlib
import io
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback

MEMORY_LIMIT = 2 * 1024 ** 3
FILE_SIZE_LIMIT = 16 * 1024 ** 2


def run_exercises(import_source, cells, timeout=60.0, memory_limit=MEMORY_LIMIT):
    """Grade ``cells`` ({exercise kind: (name, cell number, source)}); return {kind: result dict}.

    A result has passed (bool), feedback (str) and error (str or None). Exercises are
    run again in a fresh child after one crashes, while time remains.
    """
    results, remaining = {}, list(cells)
    deadline = time.monotonic() + timeout
    while remaining:
        events, failure, running = _run_child(import_source, {k: cells[k] for k in remaining},
                                              deadline, timeout, memory_limit)
        for event in events:
            results[event["kind"]] = event
        remaining = [k for k in remaining if k not in results]
        if not remaining:
            break
        if failure is None:
            failure = "the grading process stopped without a verdict"
        stuck = running if running in remaining else remaining[0]
        name = cells[stuck][0]
        results[stuck] = {"kind": stuck, "passed": False, "feedback": f"Not graded: {failure} in {name}.",
                          "error": f"{failure} in {name}"}
        remaining.remove(stuck)
        if time.monotonic() >= deadline:
            for kind in remaining:
                message = f"not run: the {timeout:g} s time limit was used up before {cells[kind][0]}"
                results[kind] = {"kind": kind, "passed": False, "feedback": f"Not graded: {message}.", "error": message}
            break
    return results


def _limits(cpu_seconds, memory_limit):
    def apply():
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _run_child(import_source, cells, deadline, timeout, memory_limit):
    """Run one child over ``cells``; return (result events, failure text or None, kind running at the end)."""
    read_end, write_end = os.pipe()
    job = {"import_source": import_source, "fd": write_end,
           "cells": {kind: list(value) for kind, value in cells.items()}}
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        left = max(deadline - time.monotonic(), 0.1)
        process = subprocess.Popen(
            [sys.executable, "-m", "public_tests.sandbox"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(write_end,), cwd=scratch, env=env, start_new_session=True,
            preexec_fn=_limits(int(left) + 2, memory_limit))
        os.close(write_end)
        try:
            process.stdin.write(json.dumps(job).encode())
            process.stdin.close()
        except BrokenPipeError:
            pass
        events, running, failure, buffer = [], None, None, b""
        selector = selectors.DefaultSelector()
        selector.register(read_end, selectors.EVENT_READ)
        finished = False
        while not finished:
            left = deadline - time.monotonic()
            if left <= 0:
                failure = f"timed out after {timeout:g} s"
                break
            if not selector.select(timeout=left):
                continue
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                event = json.loads(line)
                if event["event"] == "start":
                    running = event["kind"]
                elif event["event"] == "result":
                    events.append(event)
                elif event["event"] == "done":
                    finished = True
        selector.close()
        os.close(read_end)
        _stop(process)
        if failure is None and not finished:
            failure = _describe_exit(process.returncode)
    return events, failure, running


def _stop(process):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _describe_exit(code):
    if code is not None and code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
        reasons = {"SIGSEGV": "crashed (segmentation fault)", "SIGXCPU": "ran out of CPU time",
                   "SIGKILL": "was killed (out of memory or time)", "SIGXFSZ": "wrote too large a file",
                   "SIGABRT": "aborted"}
        return reasons.get(name, f"was killed by {name}")
    return f"the interpreter exited (exit code {code}) before finishing, e.g. through os._exit()"


# ---- child side -------------------------------------------------------------


def _child():
    job = json.loads(sys.stdin.read())
    channel = os.fdopen(job["fd"], "w", buffering=1)
    sys.stdin = io.StringIO()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write then fails with an error instead

    def emit(**event):
        channel.write(json.dumps(event) + "\n")

    from .initializer_checks import EXERCISES, GRADER_CASES, find_problems
    from .submission_rules import strip_magics

    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exec(compile(strip_magics(job["import_source"]), "<import cell>", "exec"), namespace)
    for kind, (name, number, source) in job["cells"].items():
        emit(event="start", kind=kind)
        exercise = EXERCISES[kind]
        verdict = {"passed": False, "error": None}
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                exec(compile(strip_magics(source), f"<cell {number}>", "exec"), namespace)
                target = namespace.get(name)
                if not callable(target):
                    raise NameError(f"the cell does not define {name}")
                layers_dims, problems = find_problems(exercise, target, exercise.cases + GRADER_CASES)
            if problems:
                verdict["feedback"] = f"{name}({layers_dims}): " + " ".join(problems)
            else:
                verdict.update(passed=True, feedback="All checks passed.")
        except BaseException as error:  # the learner's code may raise anything, SystemExit included
            verdict["error"] = _where(error, number)
            verdict["feedback"] = f"Not graded: {verdict['error']}."
        emit(event="result", kind=kind, **verdict)
        sink.truncate(0)
    emit(event="done")


def _where(error, number):
    """Describe an exception raised by the learner's code, with its line in the cell."""
    kind = type(error).__name__
    if isinstance(error, SystemExit):
        what = "called sys.exit() / exit()"
    elif isinstance(error, KeyboardInterrupt):
        what = "raised KeyboardInterrupt"
    elif isinstance(error, MemoryError):
        what = "ran out of memory (MemoryError)"
    else:
        what = f"raised {kind}: {error}"
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == f"<cell {number}>"]
    if isinstance(error, SyntaxError) and error.filename == f"<cell {number}>":
        lines = [error.lineno]
    return what + (f" at cell {number}, line {lines[-1]}" if lines else "")


if __name__ == "__main__":
    _child()
