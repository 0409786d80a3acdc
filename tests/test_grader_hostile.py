"""Scenarios for grade_submission against hostile code: forged scores, harm to the machine, the parent's own cost."""
import os
import time

import pytest

from fixtures.grading.builders import (ANCHORS, HE_ANSWER, NAMES, TEMPLATE, answered, digest, edited, pids_with,
                                       requires_isolation, rules, scores, with_code, write)
from notebook_tools import text
from instructor_tools.grading import grader
from instructor_tools.grading.grader import grade_submission
from test_grader import ROOT, SOLUTION, cell_number, feedback, grade


# ---- 4. no forged scores -------------------------------------------------------------------------


def test_patching_numpy_allclose_does_not_pass_a_wrong_answer(tmp_path):
    notebook = with_code(NAMES[2], "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True")
    notebook = edited(NAMES[2], "np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(1 / layers_dims[l - 1])", notebook)
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 0] and "Xavier" in feedback(verdict)[2]


def test_patching_numpy_in_the_cell_body_does_not_pass_a_wrong_answer(tmp_path):
    notebook = edited(NAMES[2], "np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(1 / layers_dims[l - 1])")
    cell = notebook["cells"][cell_number(notebook, NAMES[2]) - 1]
    cell["source"] = text(cell) + "\n\nnp.allclose = lambda *a, **k: True"
    verdict = grade(tmp_path, notebook, lenient=True)
    assert scores(verdict) == [1, 1, 0] and "Xavier" in feedback(verdict)[2]


def test_fake_passed_lines_on_every_inherited_fd_do_not_pass_a_wrong_answer(tmp_path):
    fake = ('{"event": "result", "kind": "he", "passed": true, "feedback": "All checks passed.", "error": null}\\n'
            '{"ok": true}\\n{"event": "done"}\\n')
    notebook = with_code(NAMES[2], f"import os\nfor fd in range(0, 64):\n    try:\n        os.write(fd, b'{fake}')\n"
                                   "    except OSError:\n        pass")
    notebook = edited(NAMES[2], "np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(1 / layers_dims[l - 1])", notebook)
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 0]
    assert verdict["error"] == ("the grading channel received a malformed reply (a reply without a list of calls) "
                                "while running initialize_parameters_he")


# ADVERSARY3 #10: each answer reached init_utils at run time, got the point and broke no rule.
HELPER_BYPASS = {
    "__import__": ['parameters.update(getattr(__import__("init_utils.schemes").schemes, "builtin_initializer")'
                   '("He")(layers_dims))', "break"],
    "sys.modules": ['mod = __import__("sys").modules["init_utils.schemes"]',
                    'parameters.update(mod.builtin_initializer("He")(layers_dims))', "break"],
    "importlib": ["import importlib", 'parameters.update(importlib.import_module("init_" + "utils.schemes")'
                  '.scaled_normal(layers_dims, lambda n, p: np.sqrt(2 / p)))', "break"],
    # ADVERSARY5 B5: a standard module imports from a literal name (each on one line: one finding a line)
    "pkgutil.resolve_name": ['import pkgutil; parameters.update(pkgutil.resolve_name('
                             '"init_utils.schemes:builtin_initializer")("He")(layers_dims)); break'],
    "pydoc.locate": ['import pydoc; parameters.update(pydoc.locate("init_utils.schemes.builtin_initializer")'
                     '("He")(layers_dims)); break'],
    "sys.__dict__.get": ['import sys; parameters.update(sys.__dict__.get("modules")["init_utils.schemes"]'
                         '.builtin_initializer("He")(layers_dims)); break'],
}


@pytest.mark.parametrize("lines", HELPER_BYPASS.values(), ids=list(HELPER_BYPASS))
def test_a_course_helper_reached_by_a_run_time_import_breaks_dynamic_import(tmp_path, lines):
    notebook = edited(NAMES[2], HE_ANSWER, "\n        ".join(lines))
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 0] and {v[:2] for v in rules(verdict)} == {("dynamic-import", NAMES[2])}
    assert feedback(verdict)[2].startswith("Scored 0: broke rule dynamic-import (cell ")
    assert "a run-time import (" in feedback(verdict)[2]
    lenient = grade(tmp_path, notebook, lenient=True)  # the rule is all that keeps the helper's answer from the point
    assert scores(lenient) == [1, 1, 1]


# ADVERSARY5 B2: ast.unparse in the rules recursed past Python's limit: "grader error", and no gradebook row, ever.
def test_a_chain_nested_deeper_than_the_rules_can_unparse_gets_a_verdict(tmp_path):
    verdict = grade(tmp_path, with_code(NAMES[2], "if False:\n    _ = parameters" + ".a" * 500 + ".modules"))
    assert verdict["error"] is None and scores(verdict) == [1, 1, 0]
    assert {v[:2] for v in rules(verdict)} == {("dynamic-import", NAMES[2])}


# ---- 5. hostile code: a verdict, and nothing escapes ---------------------------------------------


HOSTILE = [
    # The first function never returns: the others still get their own time.
    (NAMES[0], "while True:\n    pass", "timed out after 20 s in initialize_parameters_zeros", [0, 1, 1]),
    (NAMES[1], "import sys\nsys.exit()", "called sys.exit()", [1, 0, 1]),
    (NAMES[0], "import os\nos._exit(3)", "exit code 3", [0, 1, 1]),
    (NAMES[2], "import os\nos.abort()", "aborted", [1, 1, 0]),
    (NAMES[1], "import ctypes\nctypes.string_at(0)", "crashed (segmentation fault)", [1, 0, 1]),
    (NAMES[0], "raise KeyboardInterrupt", "raised KeyboardInterrupt", [0, 1, 1]),
    (NAMES[2], "import os, signal\nos.killpg(0, signal.SIGKILL)", "was killed", [1, 1, 0]),
]


@pytest.mark.parametrize("name, code, message, expected", HOSTILE, ids=[m for _, _, m, _ in HOSTILE])
def test_hostile_code_gets_a_verdict_and_other_exercises_are_still_graded(tmp_path, name, code, message, expected):
    path = write(tmp_path, with_code(name, code), "hostile.ipynb")
    before = digest(path)
    verdict = grade_submission(path, TEMPLATE, timeout=20 if "while True" in code else 30)
    assert scores(verdict) == expected
    assert message in verdict["error"], verdict["error"]
    assert message in verdict["exercises"][expected.index(0)]["feedback"]
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == ["hostile.ipynb"]


@pytest.mark.parametrize("code, message", [
    ("hoard = np.ones(400_000_000)  # 3.2 GB, over the 2 GiB limit", "raised MemoryError: Unable to allocate 2.98 GiB"),
    ("open('big.bin', 'wb').write(b'x' * 40_000_000)", "raised OSError: [Errno 27] File too large"),
], ids=["memory", "file size"])
def test_limits_surface_as_the_errors_python_raises(tmp_path, code, message):
    verdict = grade(tmp_path, with_code(NAMES[2], code))
    assert scores(verdict) == [1, 1, 0] and verdict["error"] is None
    assert feedback(verdict)[2].startswith(f"initialize_parameters_he([2, 4, 1]): initialize_parameters_he {message}")


@requires_isolation
def test_a_grandchild_in_its_own_session_does_not_outlive_grading(tmp_path):
    marker = f"grandchild-{os.getpid()}-{time.monotonic_ns()}"
    code = ("import os\nif os.fork() == 0:\n    os.setsid()\n"
            f"    os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 300; :', '{marker}'])\n"
            "while True:\n    pass")
    verdict = grade_submission(write(tmp_path, with_code(NAMES[2], code)), TEMPLATE, timeout=20)
    assert scores(verdict) == [1, 1, 0] and "timed out after 20 s" in verdict["error"]
    assert pids_with(marker) == []  # grading returns only once every process of the session is gone


@requires_isolation
def test_the_solution_notebook_cannot_be_read(tmp_path):
    code = ("import json\nsolved = json.load(open(" + repr(SOLUTION) + "))\n"
            "raise SystemExit('read the solution')")
    verdict = grade(tmp_path, with_code(NAMES[2], code))
    assert scores(verdict) == [1, 1, 0]
    assert verdict["error"] is None and feedback(verdict)[2] == (
        f"initialize_parameters_he([2, 4, 1]): initialize_parameters_he raised FileNotFoundError: [Errno 2] No such "
        f"file or directory: {SOLUTION!r} (at: solved = json.load(open({SOLUTION!r}))).")


@requires_isolation
def test_writes_outside_the_scratch_directory_fail_and_leave_nothing(tmp_path):
    targets = [str(tmp_path / "planted.txt"), "/tmp/planted-by-a-submission.txt", os.path.join(ROOT, "planted.txt"),
               "/root/planted.txt", "../planted.txt"]
    code = ("import os\nwritten = []\n"
            f"for target in {targets!r}:\n    try:\n        open(target, 'w').write('x')\n"
            "        written.append(target)\n    except OSError:\n        pass\n"
            "if written:\n    raise RuntimeError(f'wrote {written}')")
    path = write(tmp_path, with_code(NAMES[0], code))
    before = digest(path)
    verdict = grade_submission(path, TEMPLATE, timeout=30)
    assert (scores(verdict), verdict["error"]) == ([1, 1, 1], None)
    assert [t for t in targets if os.path.exists(os.path.join("/", t))] == []
    assert digest(path) == before and sorted(os.listdir(tmp_path)) == ["submission.ipynb"]


@requires_isolation
def test_the_submission_cannot_be_overwritten_from_inside(tmp_path):
    path = write(tmp_path, answered())
    notebook = with_code(NAMES[1], f"open({str(path)!r}, 'w').write('{{}}')")
    path = write(tmp_path, notebook)
    before = digest(path)
    verdict = grade_submission(path, TEMPLATE, timeout=30)
    assert scores(verdict) == [1, 0, 1] and "raised FileNotFoundError" in feedback(verdict)[1]
    assert digest(path) == before


@requires_isolation
def test_learner_code_has_no_network_and_runs_as_nobody(tmp_path):
    code = ("import os, socket\nassert os.getuid() == 65534 and os.geteuid() == 65534, os.getuid()\n"
            "socket.create_connection(('1.1.1.1', 53), timeout=3)")
    verdict = grade(tmp_path, with_code(NAMES[2], code))
    assert scores(verdict) == [1, 1, 0]
    assert "initialize_parameters_he raised OSError: [Errno 101] Network is unreachable" in feedback(verdict)[2]


@requires_isolation
def test_a_fork_bomb_is_stopped_by_the_process_limit(tmp_path):
    from instructor_tools.grading.limits import PROCESS_LIMIT

    marker = f"forkbomb-{os.getpid()}-{time.monotonic_ns()}"
    code = ("import os\nmade = 0\nwhile made < 1000:\n    try:\n        if os.fork() == 0:\n"
            f"            os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 300; :', '{marker}'])\n"
            "    except OSError as error:\n        raise ValueError(f'stopped after {made}: {error.strerror}')\n"
            "    made += 1")
    verdict = grade(tmp_path, with_code(NAMES[2], code))
    assert scores(verdict) == [1, 1, 0] and verdict["error"] is None
    stopped = feedback(verdict)[2].split("raised ValueError: stopped after ", 1)[1]
    made, reason = stopped.split(" (at:")[0].split(": ", 1)
    assert 1 <= int(made) <= PROCESS_LIMIT and reason == "Resource temporarily unavailable", stopped
    assert pids_with(marker) == []


def test_isolation_is_named_in_every_verdict(tmp_path):
    off = grade(tmp_path, answered(), isolate="off")
    assert off["isolation"].startswith("NOT ISOLATED") and scores(off) == [1, 1, 1]


# ---- 6. the parent's own cost is bounded ---------------------------------------------------------


@pytest.fixture
def no_sandbox(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the sandbox must not start for a submission over a limit")

    monkeypatch.setattr(grader, "Session", refuse)



def test_too_much_code_in_total_is_refused_before_anything_runs(tmp_path, no_sandbox):
    notebook = answered()
    for _ in range(4):
        notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                  "source": "x = 1  # padding padding padding padding\n" * 1999})
    verdict = grade(tmp_path, notebook)
    assert verdict["score"] == 0 and verdict["error"] == (
        f"{tmp_path / 'submission.ipynb'} has more than 300000 characters of code in its code cells (the assignment "
        "has about 10 000); delete the extra code cells.")


def test_a_huge_answer_is_refused_before_anything_runs(tmp_path, no_sandbox):
    notebook = edited(NAMES[2], HE_ANSWER, HE_ANSWER + "\n        x = 0" * 400_000)
    verdict = grade(tmp_path, notebook)
    number = cell_number(notebook, NAMES[2])
    assert verdict["score"] == 0 and verdict["error"].startswith(
        f"{tmp_path / 'submission.ipynb'}: code cell {number} has ")
    assert "the grader reads code cells of at most 2000 lines and 100000 characters" in verdict["error"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, no_sandbox):
    path = tmp_path / "huge.ipynb"
    with open(path, "wb") as handle:
        handle.write(b'{"cells": [')
        handle.truncate(1024 ** 3)  # sparse: one GB on paper, nothing on disk
    verdict = grade_submission(path, TEMPLATE)
    assert verdict["error"] == (f"{path} is 1024.0 MB; the grader reads notebooks of at most 8 MB. Clear the outputs "
                                "(Edit > Clear Outputs of All Cells), save, and submit again.")




# ---- one cell, one session; a strict channel ----------------------------------------------------


def test_non_json_line_on_the_result_channel_is_a_verdict(tmp_path):
    notebook = with_code(NAMES[2], "import os\nfor fd in range(3, 30):\n    try:\n"
                                   "        os.write(fd, b'garbage, not a reply\\n')\n    except OSError:\n        pass")
    verdict = grade(tmp_path, notebook)
    assert scores(verdict) == [1, 1, 0]
    assert verdict["error"] == ("the grading channel received data that is not a reply (something wrote to the "
                                "grader's pipe) while running initialize_parameters_he")


def test_the_self_checks_reference_draws_are_not_there_to_copy(tmp_path):
    code = "from public_tests.draws import expected_weights\nreturn dict(W1=expected_weights('he', layers_dims)[0])"
    verdict = grade(tmp_path, with_code(NAMES[2], code), lenient=True)  # the rule (course-helper) aside:
    assert scores(verdict) == [1, 1, 0] and [v[:2] for v in rules(verdict)] == [("course-helper", NAMES[2])]
    assert feedback(verdict)[2] == (
        "initialize_parameters_he([2, 4, 1]): initialize_parameters_he raised ModuleNotFoundError: No module named "
        "'public_tests.draws'; 'public_tests' is not a package (at: from public_tests.draws import expected_weights).")


def test_a_function_that_replaces_numpys_seed_breaks_no_other_exercise_nor_the_grader(tmp_path):
    # The zeros answer assigns to np.random.seed: zeros still passes (it draws nothing, and the grader
    # seeds with numpy's own function), and the random and He answers run in sessions of their own.
    verdict = grade(tmp_path, with_code(NAMES[0], "np.random.seed = 3"))
    assert verdict["error"] is None and scores(verdict) == [1, 1, 1]


HIJACK = """import sys
main = sys.modules['__main__']
if hasattr(main, 'observe') and not hasattr(main, 'real_observe'):
    main.real_observe = main.observe
    def fake(target, dims, *rest):
        name = getattr(target, '__name__', '')
        def right(d):
            np.random.seed(3)
            p = {}
            for i in range(1, len(d)):
                p['W' + str(i)] = np.random.randn(d[i], d[i - 1]) * (10 if 'random' in name else np.sqrt(2 / d[i - 1]))
                p['b' + str(i)] = np.zeros((d[i], 1))
            return p
        return main.real_observe(target if 'zeros' in name else right, dims, *rest)
    main.observe = fake"""


def test_a_cell_cannot_answer_for_the_cells_after_it(tmp_path):
    # Finding 2: the zeros cell took over the observation of the later functions, which still raised
    # NotImplementedError, and the submission got 3/3. Each function now has its own session.
    notebook = with_code(NAMES[0], HIJACK)
    for name in NAMES[1:]:
        notebook = edited(name, ANCHORS[name], f"raise NotImplementedError('{name}')", notebook)
    verdict = grade(tmp_path, notebook, lenient=True)
    assert scores(verdict) == [1, 0, 0], feedback(verdict)
    assert all("NotImplementedError" in message for message in feedback(verdict)[1:])
