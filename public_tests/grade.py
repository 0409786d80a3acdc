"""Grade Initialization submissions like the course does, and name the rule a submission broke.

    python -m public_tests.grade SUBMISSION.ipynb [--json] [--lenient] [--timeout 60]
    python -m public_tests.grade FOLDER --csv gradebook.csv [--jobs N]

Only the import cell (the template's) and the graded cells are executed, in a child
process with limits (see sandbox.py). The submission file is only read. Exit status is
0 whenever a verdict was produced, whatever the score, and 2 for usage errors.
"""
import argparse
import csv
import json
import pathlib
import sys
from concurrent.futures import ThreadPoolExecutor

from .initializer_checks import EXERCISES
from .notebook_files import NotebookError, code_cells, grade_id, read_notebook
from .release import STUDENT
from .sandbox import run_exercises
from .submission_rules import check_submission, load_template, most_specific

KIND_OF = {exercise.name: kind for kind, exercise in EXERCISES.items()}


def grade_submission(path, template, lenient=False, timeout=60.0):
    """Return the verdict dict for one submission file (see the README for its fields)."""
    verdict = {"submission": str(path), "score": 0.0, "max_score": sum(template.points.values()),
               "exercises": [], "violations": [], "error": None}
    blank = {name: {"name": name, "score": 0.0, "max_score": template.points[name], "passed": False,
                    "feedback": "Not graded."} for name in template.graded}
    try:
        notebook = read_notebook(path)
    except NotebookError as error:
        return _finish(verdict, blank, error=str(error))
    if not notebook["cells"]:
        return _finish(verdict, blank, error=f"{path} is an empty notebook: it has no cells.")
    located, violations = check_submission(template, notebook)
    known_ids = set(template.locked) | set(template.graded)
    if not located and not any(grade_id(c) in known_ids for _, c in code_cells(notebook)):
        return _finish(verdict, blank, error=(
            f"{path} is not the Initialization assignment: none of its graded functions "
            f"({', '.join(template.graded)}) is in it."))
    verdict["violations"] = [v.to_dict() for v in violations]
    to_run = {}
    for name, exercise in blank.items():
        broken = [v for v in violations if v.exercise == name]
        if name not in located:
            exercise["feedback"] = "Not graded: " + (broken[0].message if broken else "the graded cell is missing.")
        elif broken and not lenient:
            first = most_specific(broken)
            exercise["feedback"] = f"Scored 0: broke rule {first.rule} ({_place(first)}): {first.message}"
        else:
            to_run[KIND_OF[name]] = (name, located[name].cell, located[name].source)
    errors = []
    if to_run:
        for kind, result in run_exercises(template.import_source, to_run, timeout=timeout).items():
            exercise = blank[EXERCISES[kind].name]
            exercise["passed"] = bool(result["passed"])
            exercise["score"] = exercise["max_score"] if result["passed"] else 0.0
            exercise["feedback"] = result["feedback"]
            if result.get("error"):
                errors.append(result["error"])
    return _finish(verdict, blank, error="; ".join(errors) or None)


def _finish(verdict, exercises, error=None):
    verdict["exercises"] = list(exercises.values())
    verdict["score"] = sum(e["score"] for e in verdict["exercises"])
    verdict["error"] = error
    return verdict


def _place(violation):
    return f"cell {violation.cell}" + (f", line {violation.line}" if violation.line else "")


def report(verdict, lenient=False):
    """Return the human-readable report of a verdict."""
    lines = [f"Initialization grader: {verdict['submission']}"]
    if verdict["error"]:
        lines.append(f"Problem: {verdict['error']}")
    for exercise in verdict["exercises"]:
        lines.append(f"  {exercise['name']:<30} {exercise['score']:g}/{exercise['max_score']:g}  {exercise['feedback']}")
    lines.append(f"Total: {verdict['score']:g}/{verdict['max_score']:g}")
    if verdict["violations"]:
        lines.append("")
        lines.append("Warnings (--lenient: graded anyway):" if lenient else "Rules broken:")
        for v in verdict["violations"]:
            where = [f"cell {v['cell']}" if v["cell"] else None, f"line {v['line']}" if v["line"] else None,
                     v["exercise"]]
            lines.append(f"  [{v['rule']}] {', '.join(w for w in where if w)}: {v['message']}")
    return "\n".join(lines)


def grade_folder(folder, template, csv_path, jobs=2, lenient=False, timeout=60.0, out=sys.stdout):
    """Grade every notebook under ``folder`` in parallel and write one CSV row each."""
    paths = sorted(p for p in pathlib.Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

    def safe(path):
        try:
            return grade_submission(path, template, lenient=lenient, timeout=timeout)
        except Exception as error:  # a grader bug must not stop the batch
            return _finish({"submission": str(path), "max_score": sum(template.points.values()),
                            "violations": []},
                           {n: {"name": n, "score": 0.0, "max_score": p, "passed": False, "feedback": "Not graded."}
                            for n, p in template.points.items()}, error=f"grader error: {type(error).__name__}: {error}")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        verdicts = list(pool.map(safe, paths))
    names = list(template.graded)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "score", "max_score", *names, "rules", "error"])
        for path, verdict in zip(paths, verdicts):
            scores = {e["name"]: e["score"] for e in verdict["exercises"]}
            rules = sorted({v["rule"] for v in verdict["violations"]})
            writer.writerow([str(path.relative_to(folder)), f"{verdict['score']:g}", f"{verdict['max_score']:g}",
                             *(f"{scores.get(n, 0):g}" for n in names), " ".join(rules), verdict["error"] or ""])
            print(f"{verdict['score']:g}/{verdict['max_score']:g}  {path.relative_to(folder)}"
                  + (f"  ({verdict['error']})" if verdict["error"] else ""), file=out)
    print(f"Graded {len(paths)} notebook(s); wrote {csv_path}.", file=out)
    return verdicts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m public_tests.grade",
                                     description="Grade Initialization notebooks and name the rules they break.")
    parser.add_argument("path", help="a submission .ipynb, or a folder of them (with --csv)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    parser.add_argument("--csv", metavar="GRADEBOOK", help="grade a folder and write one row per notebook")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default: %(default)s)")
    parser.add_argument("--lenient", action="store_true", help="grade exercises that break a rule; report it as a warning")
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-time limit per submission in seconds")
    parser.add_argument("--template", default=STUDENT, help="student template notebook (default: %(default)s)")
    args = parser.parse_args(argv)
    path = pathlib.Path(args.path)
    try:
        template = load_template(read_notebook(args.template))
    except NotebookError as error:
        parser.error(f"cannot read the template: {error}")
    if args.jobs < 1 or args.timeout <= 0:
        parser.error("--jobs must be 1 or more and --timeout positive")
    if path.is_dir():
        if not args.csv:
            parser.error(f"{path} is a folder: add --csv GRADEBOOK.csv to grade every notebook in it")
        grade_folder(path, template, args.csv, jobs=args.jobs, lenient=args.lenient, timeout=args.timeout)
        return 0
    if not path.exists():
        parser.error(f"{path} does not exist")
    verdict = grade_submission(path, template, lenient=args.lenient, timeout=args.timeout)
    print(json.dumps(verdict, indent=2) if args.json else report(verdict, lenient=args.lenient))
    return 0


if __name__ == "__main__":
    sys.exit(main())
