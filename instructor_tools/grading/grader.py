"""Grade one submission: read it within limits, apply the rules, run the graded cells in the sandbox, check the results.

``grade_submission`` is self-contained and thread-safe, and its verdict is plain data
(JSON-ready), so a local batch and a cluster worker call it the same way.
"""
import time

import public_tests

from public_tests.initializer_checks import EXERCISES
from ..notebook_files import NotebookError, cell_source, code_cells, display_name, grade_id, read_notebook
from . import checks
from .limits import MAX_CELLS, MAX_CODE_CELL_CHARS, MAX_CODE_CELL_LINES, MAX_NOTEBOOK_BYTES, MAX_TOTAL_CODE_CHARS
from .protocol import CHILD_LIMITS
from .rules import check_submission, most_specific
from .sandbox import Session, SessionBroken, isolation

BY_NAME = {exercise.name: exercise for exercise in EXERCISES.values()}
SELF_CHECK_NAMES = list(getattr(public_tests, "__all__", []))


def grade_submission(path, template, lenient=False, timeout=60.0, isolate="auto"):
    """Return the verdict dict for one submission file (fields: see docs/grading.md).

    ``isolate``: "auto" (bubblewrap when available), "required" (refuse without it: the verdict
    gets an error) or "off". Never raises for anything the submission contains.
    """
    verdict = {"submission": display_name(path), "score": 0.0, "max_score": sum(template.points.values()),
               "exercises": [], "violations": [], "notes": [], "error": None, "isolation": None}
    exercises = {name: {"name": name, "score": 0.0, "max_score": template.points[name], "passed": False,
                        "feedback": "Not graded."} for name in template.graded}
    try:
        chosen = isolation(isolate)
        verdict["isolation"] = chosen.describe()
        return _grade(path, template, lenient, timeout, chosen, verdict, exercises)
    except Exception as error:  # a grader bug must give a verdict, not a traceback
        return finish(verdict, exercises, error=f"grader error: {type(error).__name__}: {error}")


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
        return finish(verdict, exercises, error=(
            f"{shown} is not the Initialization assignment: none of its graded functions "
            f"({', '.join(template.graded)}) is in it."))
    verdict["violations"] = [v.to_dict() for v in violations]
    verdict["notes"] = [n.to_dict() for n in notes]
    to_run = []
    for name, exercise in exercises.items():
        broken = [v for v in violations if v.exercise == name]
        if name not in located:
            exercise["feedback"] = "Not graded: " + (broken[0].message if broken else "the graded cell is missing.")
        elif broken and not lenient:
            first = most_specific(broken)
            exercise["feedback"] = f"Scored 0: broke rule {first.rule} ({_place(first)}): {first.message}"
        else:
            to_run.append(name)
    errors = run_exercises(template, located, to_run, exercises, timeout, chosen)
    return finish(verdict, exercises, error="; ".join(errors) or None)


def run_exercises(template, located, names, exercises, timeout, chosen):
    """Run each graded cell of ``names`` in its own sandboxed session and fill in its result; return the errors."""
    errors = []
    deadline = time.monotonic() + timeout
    for name in names:
        exercise = exercises[name]
        if time.monotonic() >= deadline:
            message = f"not run: the {timeout:g} s time limit was used up before {name}"
        else:
            try:
                layers_dims, problems = run_one(template, located[name], name, Session(chosen, deadline, timeout))
            except (checks.LearnerError, SessionBroken) as failed:
                message = str(failed)
            else:
                if problems:
                    exercise["feedback"] = f"{name}({layers_dims}): " + " ".join(problems)
                else:
                    exercise.update(passed=True, score=exercise["max_score"], feedback="All checks passed.")
                continue
        exercise["feedback"] = f"Not graded: {message}."
        errors.append(message)
    return errors


def run_one(template, found, name, session):
    """In ``session`` (closed at the end), run the import cell and ``name``'s cell, then check the function.

    Nothing a later cell defines is there, so a cell can answer only for itself.
    """
    try:
        reply = session.request({"op": "start", "import_source": template.import_source, "paths": session.paths,
                                 "blocked": ["numba"], "stub_names": SELF_CHECK_NAMES,
                                 "observation": session.observation, "limits": CHILD_LIMITS},
                                running="the import cell")
        if reply != {"ok": True}:
            raise SessionBroken(f"the template's import cell failed in the sandbox ({str(reply.get('error'))[:300]})")
        reply = session.request({"op": "define", "name": name, "cell": found.cell, "source": found.source},
                                running=name)
        if reply != {"ok": True}:
            if set(reply) == {"error"} and isinstance(reply["error"], str):
                raise checks.LearnerError(reply["error"][:1000])
            raise SessionBroken(f"the grading channel received a malformed reply while defining {name}")
        return checks.check(session, BY_NAME[name])
    finally:
        session.close()


def finish(verdict, exercises, error=None):
    """Total the exercises, set the error and make every text printable (lone surrogates escaped)."""
    verdict["exercises"] = list(exercises.values())
    verdict["score"] = sum(e["score"] for e in verdict["exercises"])
    verdict["error"] = error
    return _printable(verdict)


def _printable(value):
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def _place(violation):
    return f"cell {violation.cell}" + (f", line {violation.line}" if violation.line else "")
