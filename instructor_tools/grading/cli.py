"""Command line: grade one submission, or a folder into a gradebook, here or on a Dask cluster.

Exit status: 0 when every submission got a verdict (whatever its score), 2 for usage errors and refused
unisolated batches, 1 for a grader error or submissions left without a row, 130 when interrupted.
"""
import argparse
import json
import math
import pathlib
import sys

from ..notebook_files import NotebookError, display_name, read_notebook
from ..template import student_template
from . import cluster
from .batch import grade_folder
from .cluster.setup import INSTALL
from .gradebook import GradebookError
from .grader import grade_submission
from .limits import MAX_TIMEOUT
from .policy import CHOICES, IsolationRefused
from .report import not_isolated, report
from .rules import load_template



def _bounded(convert, high, noun, out_of_range):
    """Return an argparse type that reads ``noun`` with ``convert`` and requires 0 < value <= ``high``."""
    def read(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if not (math.isfinite(value) and 0 < value <= high):
            raise argparse.ArgumentTypeError(out_of_range.format(text=text))
        return value

    return read


JOBS = _bounded(int, 64, "a whole number", "must be between 1 and 64")
TIMEOUT = _bounded(float, MAX_TIMEOUT, "a number of seconds",
                   f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, not {{text}}")


def parser():
    """Return the argument parser of the grader."""
    p = argparse.ArgumentParser(prog="initlab-grade",
                                description="Grade Initialization notebooks and name the rules they break.")
    p.add_argument("path", help="a submission .ipynb, or a folder of them (with --csv)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    p.add_argument("--csv", metavar="GRADEBOOK", help="grade a folder and write one row per notebook as it is graded")
    p.add_argument("--resume", action="store_true", help="continue an existing gradebook: skip files that have a row")
    p.add_argument("--overwrite", action="store_true", help="replace an existing gradebook")
    p.add_argument("--jobs", type=JOBS, default=2, help="submissions graded at once (default: %(default)s)")
    p.add_argument("--lenient", action="store_true", help="grade exercises that break a rule; report it as a warning")
    p.add_argument("--timeout", type=TIMEOUT, default=60.0,
                   help=f"wall-time limit per graded function in seconds, at most {MAX_TIMEOUT:g} (default: %(default)s)")
    p.add_argument("--isolation", choices=CHOICES, default="auto",
                   help="auto: bubblewrap when available; without it one notebook is graded and its report says NOT "
                        "ISOLATED, while a folder, gradebook or cluster run is refused. required: refuse to grade "
                        "without it. off: never isolate (learner code runs with your rights). Default: %(default)s")
    p.add_argument("--template", default=None,
                   help="student template notebook (default: the pristine copy installed with the grader)")
    group = p.add_argument_group(f"grading on a Dask cluster (needs: {INSTALL})")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade the folder on Dask: local:N (a LocalCluster of N worker processes here), a "
                            "scheduler address such as tcp://HOST:8786, or a scheduler file (.json)")
    group.add_argument("--ship", choices=["auto", "path", "bytes"], default="auto",
                       help="how submissions reach the workers: path (the folder is shared at the same path on "
                            "every worker), bytes (sent inside each task, at most 8 MB), auto: path for local:N, "
                            "bytes otherwise (default: %(default)s)")
    return p


def main(argv=None):
    """Run the grader's command line; return its exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("Interrupted. Rows already written stay in the gradebook; rerun with --resume to continue.",
              file=sys.stderr)
        return 130


def _main(argv):
    args_parser = parser()
    args = args_parser.parse_args(argv)
    path = pathlib.Path(args.path)
    if args.scheduler or path.is_dir():
        return _grade_folder(args, args_parser, path)
    if args.csv or args.resume:
        args_parser.error("--csv and --resume grade a folder; give a folder, or drop them to grade one notebook")
    if not path.exists():
        args_parser.error(f"{display_name(path)} does not exist")
    template = _template(args, args_parser)
    verdict = grade_submission(path, template, lenient=args.lenient, timeout=args.timeout, isolate=args.isolation)
    print(json.dumps(verdict, indent=2) if args.json else report(verdict, lenient=args.lenient))
    if not_isolated(verdict):
        print(f"WARNING: {verdict['isolation']}", file=sys.stderr)
    return 1 if verdict["error"] and verdict["error"].startswith("grader error") else 0


def _template(args, args_parser):
    path = args.template or student_template()
    try:
        return load_template(read_notebook(path))
    except NotebookError as error:
        args_parser.error(f"cannot read the template: {error}")
    except Exception as error:  # a notebook that is not the Initialization template
        args_parser.error(f"{display_name(path)} is not a usable template ({type(error).__name__}: {error})")


def _grade_folder(args, args_parser, path):
    if not path.is_dir():
        args_parser.error(f"--scheduler grades a folder, and {display_name(path)} is not one")
    if not args.csv:
        args_parser.error(f"{display_name(path)} is a folder: add --csv GRADEBOOK.csv to grade every notebook in it")
    if args.scheduler:
        try:
            cluster.check_scheduler(args.scheduler)
            return cluster.grade_on_scheduler(
                args.scheduler, path, args.csv, _template(args, args_parser), ship=args.ship, isolate=args.isolation,
                resume=args.resume, overwrite=args.overwrite, lenient=args.lenient, timeout=args.timeout)
        except (cluster.ClusterError, GradebookError) as error:
            args_parser.error(str(error))
    template = _template(args, args_parser)
    try:
        grade_folder(path, template, args.csv, jobs=args.jobs, lenient=args.lenient, timeout=args.timeout,
                     isolate=args.isolation, resume=args.resume, overwrite=args.overwrite)
    except (GradebookError, IsolationRefused) as error:
        args_parser.error(str(error))
    if args.isolation == "off":
        print("WARNING: graded WITHOUT isolation (--isolation off): learner code ran with your rights, and the "
              "gradebook says NOT ISOLATED.", file=sys.stderr)
    return 0
