"""Command line: grade one submission, or a folder into a gradebook, here or on a Dask cluster.

Exit status: 0 when every submission got a verdict (whatever its score), 2 for usage errors, refused unisolated
batches and output that cannot be written, 1 for a grader error or submissions left without a row (or a reader of
the output that went away, as for SIGPIPE), 130 when interrupted.
"""
import argparse
import json
import math
import os
import pathlib
import stat
import sys

from ..notebook_files import NotebookError, display_name, read_notebook
from ..template import student_template
from . import cluster
from .batch import check_batch, grade_folder
from .cluster.setup import INSTALL
from .gradebook import GradebookError
from .grader import grade_submission
from .limits import MAX_TIMEOUT
from .policy import CHOICES, IsolationRefused
from .report import grader_failed, not_isolated, report
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
        status = _main(argv)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        print("Interrupted. Rows already written stay in the gradebook; rerun with --resume to continue.",
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as the Python docs advise for SIGPIPE
        _drop_stdout()
        return 1
    except OSError as error:  # the gradebook's own errors are GradebookErrors, so a file named here is another one
        if error.filename is not None:
            print(f"initlab-grade: cannot use {display_name(error.filename)}: {error.strerror or error}.",
                  file=sys.stderr)
            return 2
        _drop_stdout()  # a write error that names no file: standard output (a full disk: >/dev/full)
        print(f"initlab-grade: cannot write to standard output: {error.strerror or error}. Send it elsewhere; a "
              "batch keeps the rows it wrote (rerun it with --resume).", file=sys.stderr)
        return 2


def _drop_stdout():
    """Point standard output at os.devnull, so that Python's last flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _main(argv):
    args_parser = parser()
    args = args_parser.parse_args(argv)
    path = pathlib.Path(args.path)
    if args.scheduler or _is_folder(path, args_parser):
        return _grade_folder(args, args_parser, path)
    if args.csv or args.resume:
        args_parser.error("--csv and --resume grade a folder; give a folder, or drop them to grade one notebook")
    if not os.path.exists(path):
        args_parser.error(f"{display_name(path)} does not exist")
    template = _template(args, args_parser)
    verdict = grade_submission(path, template, lenient=args.lenient, timeout=args.timeout, isolate=args.isolation)
    print(json.dumps(verdict, indent=2) if args.json else report(verdict, lenient=args.lenient))
    if not_isolated(verdict):
        print(f"WARNING: {verdict['isolation']}", file=sys.stderr)
    return 1 if grader_failed(verdict) else 0


def _is_folder(path, args_parser):
    """Return True if ``path`` is a folder; stop with a usage error if it cannot be looked at (name too long, ...)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as error:
        args_parser.error(f"cannot use {display_name(path)}: {error.strerror or error}")


def _template(args, args_parser):
    path = _template_path(args)
    try:
        return load_template(read_notebook(path))
    except NotebookError as error:
        args_parser.error(f"cannot read the template: {error}")
    except Exception as error:  # a notebook that is not the Initialization template
        args_parser.error(f"{display_name(path)} is not a usable template ({type(error).__name__}: {error})")


def _template_path(args):
    return args.template or student_template()


def _grade_folder(args, args_parser, path):
    if not _is_folder(path, args_parser):
        args_parser.error(f"--scheduler grades a folder, and {display_name(path)} is not one")
    if not args.csv:
        args_parser.error(f"{display_name(path)} is a folder: add --csv GRADEBOOK.csv to grade every notebook in it")
    try:
        check_batch(path, args.csv, _template_path(args), resume=args.resume, overwrite=args.overwrite)
    except GradebookError as error:
        args_parser.error(str(error))
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
        verdicts = grade_folder(path, template, args.csv, jobs=args.jobs, lenient=args.lenient, timeout=args.timeout,
                                isolate=args.isolation, resume=args.resume, overwrite=args.overwrite)
    except (GradebookError, IsolationRefused) as error:
        args_parser.error(str(error))
    if args.isolation == "off":
        print("WARNING: graded WITHOUT isolation (--isolation off): learner code ran with your rights, and the "
              "gradebook says NOT ISOLATED.", file=sys.stderr)
    return 1 if any(map(grader_failed, verdicts.values())) else 0
