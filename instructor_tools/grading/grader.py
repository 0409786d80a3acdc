"""Grade one submission: read it within limits, apply the rules, run each graded cell in a sandbox, judge the results.

The child only observes the function (public_tests/observation.py); the self-check's ``first_failure`` judges
its reply here, so no learner code runs in this process and the child decides nothing.

A session that fails before any learner code runs (its start or the template's import cell, which get their own time,
IMPORT_BUDGET, apart from --timeout) is the grader's failure, as is a grader bug: only then is the verdict's
``grader_failed`` True (its error then starts with "grader error"), and a batch writes no row for it, so --resume
grades it again (report.grader_failed). Nothing the submission holds or its code sends can set that field.
"""
import sys

import public_tests

from public_tests.initializer_checks import EXERCISES, GRADER_CASES, PRE_SEEDS, first_failure
from ..notebook_files import NotebookError, cell_source, code_cells, display_name, grade_id, read_notebook
from .limits import MAX_CELLS, MAX_CODE_CELL_CHARS, MAX_CODE_CELL_LINES, MAX_NOTEBOOK_BYTES, MAX_TOTAL_CODE_CHARS
from .protocol import CHILD_LIMITS, ProtocolError, decode_observation
from .report import GRADER_ERROR, place
from .rules import check_submission, most_specific
from .sandbox import Session, SessionBroken, isolation

IMPORT_BUDGET = 60.0  # seconds for a session's start and the template's import cell (under 1 s on a quiet machine)
BY_NAME = {exercise.name: exercise for exercise in EXERCISES.values()}
SELF_CHECK_NAMES = list(getattr(public_tests, "__all__", []))


class LearnerError(Exception):
    """The learner's code stopped the run (SystemExit, KeyboardInterrupt, too much data, a broken cell)."""


class GraderFailure(Exception):
    """The session failed before any learner code ran (its start or the template's import cell): not the learner's doing."""


def grade_submission(path, template, lenient=False, timeout=60.0, isolate="auto"):
    """Return the plain-data verdict of one submission file (docs/grading.md); never raise for its content."""
    verdict = blank_verdict(display_name(path), template)
    exercises = {exercise["name"]: exercise for exercise in verdict["exercises"]}
    try:
        chosen = isolation(isolate)
        verdict["isolation"] = chosen.describe()
        return _grade(path, template, lenient, timeout, chosen, verdict, exercises)
    except Exception as error:  # a grader bug must give a verdict, not a traceback
        return finish(verdict, exercises, error=f"{GRADER_ERROR}: {type(error).__name__}: {error}", grader_failed=True)


def blank_verdict(shown, template, feedback="Not graded."):
    """Return the verdict of ``shown`` before grading: every exercise scored 0 with ``feedback``."""
    exercises = [{"name": name, "score": 0.0, "max_score": template.points[name], "passed": False, "feedback": feedback}
                 for name in template.graded]
    return {"submission": shown, "score": 0.0, "max_score": sum(template.points.values()), "exercises": exercises,
            "violations": [], "notes": [], "error": None, "isolation": None, "grader_failed": False}


def read_submission(path):
    """Return the notebook at ``path``; raise NotebookError when it is unusable or over a limit."""
    notebook = read_notebook(path, max_bytes=MAX_NOTEBOOK_BYTES, follow_symlinks=False)
    shown = display_name(path)
    if len(notebook["cells"]) > MAX_CELLS:
        raise NotebookError(f"{shown} has {len(notebook['cells'])} cells; the grader reads at most {MAX_CELLS}.")
    total = 0
    for number, cell in code_cells(notebook):
        source = cell_source(cell)
        lines = source.count("\n") + 1
        if len(source) > MAX_CODE_CELL_CHARS or lines > MAX_CODE_CELL_LINES:
            raise NotebookError(f"{shown}: code cell {number} has {lines} lines and {len(source)} characters; the "
                                f"grader reads code cells of at most {MAX_CODE_CELL_LINES} lines and "
                                f"{MAX_CODE_CELL_CHARS} characters. Remove the generated or pasted code.")
        total += len(source)
        if total > MAX_TOTAL_CODE_CHARS:
            raise NotebookError(f"{shown} has more than {MAX_TOTAL_CODE_CHARS} characters of code in its code cells "
                                "(the assignment has about 10 000); delete the extra code cells.")
    return notebook


def _grade(path, template, lenient, timeout, chosen, verdict, exercises):
    try:
        notebook = read_submission(path)
    except NotebookError as error:
        return finish(verdict, exercises, error=str(error))
    shown = verdict["submission"]
    if not notebook["cells"]:
        return finish(verdict, exercises, error=f"{shown} is an empty notebook: it has no cells.")
    located, violations, notes = check_submission(template, notebook)
    known_ids = set(template.locked) | set(template.graded)
    if not located and not any(grade_id(c) in known_ids for _, c in code_cells(notebook)):
        return finish(verdict, exercises, error=f"{shown} is not the Initialization assignment: none of its graded "
                                                f"functions ({', '.join(template.graded)}) is in it.")
    verdict["violations"] = [v.to_dict() for v in violations]
    verdict["notes"] = [n.to_dict() for n in notes]
    to_run = []
    for name, exercise in exercises.items():
        broken = [v for v in violations if v.exercise == name]
        if name not in located:
            exercise["feedback"] = "Not graded: " + (broken[0].message if broken else "the graded cell is missing.")
        elif broken and not lenient:
            first = most_specific(broken)
            exercise["feedback"] = f"Scored 0: broke rule {first.rule} ({place(first.cell, first.line)}): {first.message}"
        else:
            to_run.append(name)
    errors, failed = run_exercises(template, located, to_run, exercises, timeout, chosen)
    return finish(verdict, exercises, error="; ".join(errors) or None, grader_failed=failed)


def run_exercises(template, located, names, exercises, timeout, chosen):
    """Run each graded cell of ``names`` in its own sandboxed session (``timeout`` seconds each, after the import
    cell) and fill in its result; return (the errors, the grader's own first; whether the grader failed on one)."""
    errors, failures = [], []
    for name in names:
        exercise = exercises[name]
        try:
            layers_dims, problems = run_one(template, located[name], name, Session(chosen, IMPORT_BUDGET + timeout),
                                            timeout)
        except GraderFailure as failed:
            exercise["feedback"] = f"Not graded: {failed}; the grader failed, not the learner: grade it again."
            failures.append(f"{GRADER_ERROR}: {failed} (before any learner code ran)")
        except (LearnerError, SessionBroken) as failed:
            exercise["feedback"] = f"Not graded: {failed}."
            errors.append(str(failed))
        else:
            passed = not problems
            exercise.update(passed=passed, score=exercise["max_score"] if passed else 0.0,
                            feedback="All checks passed." if passed else f"{name}({layers_dims}): " + " ".join(problems))
    return list(dict.fromkeys(failures + errors)), bool(failures)  # one line for a failure every session met


def _import_failure(error):
    """Say that the template's import cell failed with ``error``; name the likely cause of a missing module."""
    text = f"the template's import cell failed in the sandbox ({error.replace(' at cell ?, line', ' at line')})"
    if "ModuleNotFoundError" in error:  # e.g. a python without the lab's packages: `python -m public_tests.grade`
        text += (f": {sys.executable} lacks a package the notebook imports; grade with the Python that runs the "
                 "notebook, e.g. .venv/bin/python -m public_tests.grade")
    return text


def run_one(template, found, name, session, timeout):
    """Run the import cell (IMPORT_BUDGET seconds) and then only ``name``'s cell (``timeout`` seconds) in
    ``session``, then judge; return (layers_dims, problems)."""
    try:
        session.allow(IMPORT_BUDGET)
        try:
            reply = session.request({"op": "start", "import_source": template.import_source, "paths": session.paths,
                                     "blocked": ["numba"], "stub_names": SELF_CHECK_NAMES,
                                     "observation": session.observation, "limits": CHILD_LIMITS},
                                    running="the import cell")
        except SessionBroken as error:
            raise GraderFailure(str(error)) from None
        if reply != {"ok": True}:
            raise GraderFailure(_import_failure(str(reply.get("error"))[:300]))
        session.allow(timeout)
        reply = session.request({"op": "define", "name": name, "cell": found.cell, "source": found.source},
                                running=name)
        if reply != {"ok": True}:
            _raise_learner_error(reply)
            raise SessionBroken(f"the grading channel received a malformed reply while defining {name}")
        exercise = BY_NAME[name]
        failed, problems = first_failure(exercise, tuple(exercise.cases) + tuple(GRADER_CASES), _observer(session, name))
        return (None if failed is None else list(failed.layers_dims)), problems
    finally:
        session.close()


def _raise_learner_error(reply):
    if set(reply) == {"error"} and isinstance(reply["error"], str):
        text = reply["error"][:1000]  # the child's own never starts with GRADER_ERROR: learner code wrote this one,
        # and an error that reads like the grader's would mislead whoever reads the gradebook
        raise LearnerError(f"the learner's code sent {text!r}" if text.startswith(GRADER_ERROR) else text)


def _observer(session, name):
    """Return observe_case(layers_dims) -> Observation, observed by ``session``'s child after each seed."""
    seeds = list(PRE_SEEDS)

    def observe_case(layers_dims):
        reply = session.request({"op": "observe", "name": name, "layers_dims": list(layers_dims), "seeds": seeds},
                                running=name)
        _raise_learner_error(reply)
        try:
            return decode_observation(reply, layers_dims, seeds)
        except ProtocolError as error:
            raise SessionBroken(f"the grading channel received a malformed reply ({error}) while running {name}") from None

    return observe_case


def finish(verdict, exercises, error=None, grader_failed=False):
    """Total the exercises, set the error (and whether the grader itself failed) and make every text printable
    (lone surrogates escaped)."""
    verdict["exercises"] = list(exercises.values())
    verdict["score"] = sum(e["score"] for e in verdict["exercises"])
    verdict["error"], verdict["grader_failed"] = error, grader_failed
    return map_strings(verdict, lambda text: text.encode("utf-8", "backslashreplace").decode("utf-8"))


def map_strings(value, change):
    """Return verdict data with ``change`` applied to every string value (dict keys stay as they are)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: map_strings(v, change) for k, v in value.items()}
    return [map_strings(v, change) for v in value] if isinstance(value, list) else value
