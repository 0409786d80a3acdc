"""Generate the student notebook from the solved source notebook.

    initlab-release            # write notebooks/Initialization.ipynb and the grader's template
    initlab-release --check    # exit 1 if either committed copy is stale
    initlab-release --force    # replace a notebook that holds answers (backed up first)

The student version is the source with every solution replaced by an empty answer
region and every output cleared; nothing else changes. A student notebook whose
answer regions hold work is never overwritten without --force, and even then the
old file is kept as a backup beside it.
"""
import argparse
import copy
import json
import pathlib
import shutil
import sys
import time

from .answer_regions import BEGIN_SOLUTION, graded_name, holds_work, strip_solutions
from .notebook_files import NotebookError, cell_source, read_notebook
from .template import student_template

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "source" / "Initialization_solution.ipynb"
STUDENT = ROOT / "notebooks" / "Initialization.ipynb"


class ReleaseError(Exception):
    """A problem the instructor has to fix; the message says how."""


def student_version(source_notebook):
    """Return the student notebook: solutions emptied, outputs and counts cleared."""
    notebook = copy.deepcopy(source_notebook)
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        text = cell_source(cell)
        name = graded_name(text)
        if BEGIN_SOLUTION in text:
            if name is None:
                raise ReleaseError("a cell has a solution block but no '# GRADED FUNCTION: <name>' first line:\n"
                                   + text[:200])
            text = strip_solutions(text, name)
        cell["source"] = text
        cell["outputs"] = []
        cell["execution_count"] = None
    notebook["metadata"].pop("widgets", None)
    return notebook


def dumps(notebook):
    """Serialise as Jupyter does: one-space indent, UTF-8, trailing newline."""
    for cell in notebook["cells"]:
        text = cell_source(cell)
        cell["source"] = text.splitlines(keepends=True)
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def answered_functions(notebook):
    """Return the graded functions whose answer regions hold a learner's work."""
    names = []
    for cell in notebook["cells"]:
        text = cell_source(cell)
        name = graded_name(text)
        if cell.get("cell_type") == "code" and name:
            try:
                if holds_work(text, name):
                    names.append(name)
            except ValueError:
                names.append(name)
    return names


def release(source=SOURCE, outputs=None, force=False, check=False, out=sys.stdout):
    """Write (or with check=True, compare) the student notebook at each of ``outputs``. Return an exit status.

    By default the outputs are the learner's copy and the grader's template (see template.py).
    """
    source = pathlib.Path(source)
    if not source.exists():
        raise ReleaseError(f"{source} does not exist: run this from a checkout of the project, or pass --source.")
    try:
        text = dumps(student_version(read_notebook(source)))
    except NotebookError as error:
        raise ReleaseError(str(error)) from None
    outputs = [STUDENT, student_template()] if outputs is None else outputs
    if check:
        return max(_check(pathlib.Path(output), text, source, out) for output in outputs)
    for output in outputs:
        _write(pathlib.Path(output), text, source, force, out)
    return 0


def _check(output, text, source, out):
    if output.exists() and output.read_text(encoding="utf-8") == text:
        print(f"{output} is up to date with {source}.", file=out)
        return 0
    print(f"{output} differs from what {source} generates: run 'make release' and commit the result.", file=out)
    return 1


def _write(output, text, source, force, out):
    current = output.read_text(encoding="utf-8") if output.exists() else None
    if current == text:
        print(f"{output} is already up to date.", file=out)
        return
    if current is not None:
        try:
            answered = answered_functions(json.loads(current))
        except (json.JSONDecodeError, AttributeError, TypeError):
            answered = ["(unreadable notebook)"]
        if answered and not force:
            raise ReleaseError(
                f"{output} holds a learner's answers ({', '.join(answered)}): refusing to overwrite it. "
                "Move it elsewhere first, or rerun with --force (the old file is then kept as a backup).")
        if answered:
            backup = output.with_name(f"{output.stem}.backup-{time.strftime('%Y%m%d-%H%M%S')}{output.suffix}")
            shutil.copy2(output, backup)
            print(f"Kept the old notebook as {backup}.", file=out)
    output.write_text(text, encoding="utf-8")
    print(f"Wrote {output} from {source}.", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="initlab-release", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default=SOURCE, help="solved source notebook (default: %(default)s)")
    parser.add_argument("--output", action="append", metavar="PATH",
                        help="student notebook to write; repeat for several (default: the learner's copy "
                             f"{STUDENT} and the grader's template {student_template()})")
    parser.add_argument("--force", action="store_true", help="overwrite a notebook that holds answers (kept as backup)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if an output is stale")
    args = parser.parse_args(argv)
    try:
        return release(args.source, args.output, force=args.force, check=args.check)
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
