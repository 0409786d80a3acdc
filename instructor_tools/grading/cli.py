"""Command line: grade one submission, or a folder into a gradebook.

    python -m public_tests.grade SUBMISSION.ipynb [--json] [--lenient] [--timeout 60] [--isolation auto]
    python -m public_tests.grade FOLDER --csv gradebook.csv [--jobs N] [--resume | --overwrite]

Exit status: 0 when every submission got a verdict (whatever its score, errors in the
file included), 2 for usage errors, 1 for an internal grader error, 130 when interrupted.
"""
import argparse
import json
import math
import pathlib
import sys

from ..notebook_files import NotebookError, display_name, read_notebook
from .batch import grade_folder
from .gradebook import GradebookError
from .grader import grade_submission
from .limits import MAX_TIMEOUT
from .rules import load_template
from .sandbox import isolation

STUDENT = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "Initialization.ipynb"


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
        lines += [_finding(v) for v in verdict["violations"]]
    if verdict.get("notes"):
        lines.append("")
        lines.append("Notes (cost nothing):")
        lines += [_finding(v) for v in verdict["notes"]]
    return "\n".join(lines)


def _finding(v):
    where = [f"cell {v['cell']}" if v["cell"] else None, f"line {v['line']}" if v["line"] else None, v["exercise"]]
    place = ", ".join(w for w in where if w)
    return f"  [{v['rule']}] {place + ': ' if place else ''}{v['message']}"


def _timeout(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, not {text}")
    return value


def _jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def parser():
    p = argparse.ArgumentParser(prog="python -m public_tests.grade",
                                description="Grade Initialization notebooks and name the rules they break.")
    p.add_argument("path", help="a submission .ipynb, or a folder of them (with --csv)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    p.add_argument("--csv", metavar="GRADEBOOK", help="grade a folder and write one row per notebook as it is graded")
    p.add_argument("--resume", action="store_true", help="continue an existing gradebook: skip files that have a row")
    p.add_argument("--overwrite", action="store_true", help="replace an existing gradebook")
    p.add_argument("--jobs", type=_jobs, default=2, help="submissions graded at once (default: %(default)s)")
    p.add_argument("--lenient", action="store_true", help="grade exercises that break a rule; report it as a warning")
    p.add_argument("--timeout", type=_timeout, default=60.0,
                   help=f"wall-time limit per submission in seconds, at most {MAX_TIMEOUT:g} (default: %(default)s)")
    p.add_argument("--isolation", choices=["auto", "required", "off"], default="auto",
                   help="auto: bubblewrap when available, else unisolated with a warning; required: refuse to "
                        "grade without it; off: never (default: %(default)s)")
    p.add_argument("--template", default=STUDENT, help="student template notebook (default: %(default)s)")
    return p


def main(argv=None):
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("Interrupted. Rows already written stay in the gradebook; rerun with --resume to continue.",
              file=sys.stderr)
        return 130



def template_or_usage_error(path, args_parser):
    """Return the template read from ``path``, or stop with a usage error (exit 2) that says why not."""
    try:
        return load_template(read_notebook(path))
    except NotebookError as error:
        args_parser.error(f"cannot read the template: {error}")
    except Exception as error:  # a notebook that is not the Initialization template
        args_parser.error(f"{display_name(path)} is not a usable template ({type(error).__name__}: {error})")


def _main(argv):
    args_parser = parser()
    from . import cluster  # --scheduler, --ship: grade a folder on a Dask cluster (imports Dask only when used)
    cluster.add_options(args_parser)
    args = args_parser.parse_args(argv)
    if args.scheduler:
        return cluster.run(args, args_parser)
    path = pathlib.Path(args.path)
    template = template_or_usage_error(args.template, args_parser)
    try:
        chosen = isolation(args.isolation)
    except RuntimeError as error:
        args_parser.error(str(error))
    if not chosen.isolated:
        print(f"WARNING: {chosen.describe()}", file=sys.stderr)
    if path.is_dir():
        if not args.csv:
            args_parser.error(f"{display_name(path)} is a folder: add --csv GRADEBOOK.csv to grade every notebook in it")
        try:
            grade_folder(path, template, args.csv, jobs=args.jobs, lenient=args.lenient, timeout=args.timeout,
                         isolate=args.isolation, resume=args.resume, overwrite=args.overwrite)
        except GradebookError as error:
            args_parser.error(str(error))
        if not chosen.isolated:
            print(f"WARNING: {chosen.describe()}", file=sys.stderr)
        return 0
    if args.csv or args.resume:
        args_parser.error("--csv and --resume grade a folder; give a folder, or drop them to grade one notebook")
    if not path.exists():
        args_parser.error(f"{display_name(path)} does not exist")
    verdict = grade_submission(path, template, lenient=args.lenient, timeout=args.timeout, isolate=args.isolation)
    print(json.dumps(verdict, indent=2) if args.json else report(verdict, lenient=args.lenient))
    if verdict["error"] and verdict["error"].startswith("grader error"):
        return 1
    return 0
