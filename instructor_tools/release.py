"""Write the student notebook from the solved source: solutions emptied, outputs cleared (docs/instructors.md)."""
import argparse
import copy
import json
import pathlib
import shutil
import sys
import time

from .answer_regions import BEGIN_SOLUTION, graded_name, holds_work, strip_solutions
from .notebook_files import NotebookError, cell_source, display_name, parse_notebook, read_notebook
from .template import student_template

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "source" / "Initialization_solution.ipynb"
STUDENT = ROOT / "notebooks" / "Initialization.ipynb"


class ReleaseError(Exception):
    """A problem the instructor has to fix; the message says how."""


def student_text(source_notebook):
    """Return the student notebook as Jupyter saves it: solutions emptied; outputs, counts and run times cleared."""
    notebook = copy.deepcopy(source_notebook)
    notebook["metadata"].pop("widgets", None)
    for cell in notebook["cells"]:
        text = cell_source(cell)
        if cell.get("cell_type") == "code":
            if BEGIN_SOLUTION in text:
                name = graded_name(text)
                if name is None:
                    raise ValueError(f"a cell has a solution block but no '# GRADED FUNCTION: <name>' first line:\n{text[:200]}")
                text = strip_solutions(text, name)
            cell.update(outputs=[], execution_count=None)
            cell.get("metadata", {}).pop("execution", None)  # nbconvert's timestamps from `make execute`
        cell["source"] = text.splitlines(keepends=True)
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def answered_functions(notebook):
    """Return the graded functions whose answer regions hold a learner's work."""
    names = []
    for cell in notebook["cells"]:
        name = graded_name(cell_source(cell))
        if cell.get("cell_type") == "code" and name and holds_work(cell_source(cell), name):
            names.append(name)
    return names


def release(source=SOURCE, outputs=None, force=False, check=False, out=sys.stdout):
    """Write (with ``check``: only compare) the student notebook at each of ``outputs``; return the exit status."""
    source = pathlib.Path(source)
    if not source.exists():
        raise ReleaseError(f"{source} does not exist: run this from a checkout of the project, or pass --source.")
    try:
        data = student_text(read_notebook(source)).encode("utf-8")
    except (NotebookError, ValueError) as error:  # ValueError: a solution block that cannot be emptied
        raise ReleaseError(str(error)) from None
    status = 0
    for output in map(pathlib.Path, [STUDENT, student_template()] if outputs is None else outputs):
        current = output.read_bytes() if output.exists() else None
        if current == data:
            print(f"{output} is up to date with {source}." if check else f"{output} is already up to date.", file=out)
        elif check:
            print(f"{output} differs from what {source} generates: run 'make release' and commit the result.", file=out)
            status = 1
        else:
            if current is not None:
                _keep_answers(output, current, force, out)
            output.write_bytes(data)
            print(f"Wrote {output} from {source}.", file=out)
    return status


def _keep_answers(output, current, force, out):
    """Refuse to overwrite a notebook that holds answers; with ``force``, keep a backup of it first."""
    try:
        answered = answered_functions(parse_notebook(current, display_name(output)))
    except NotebookError:
        answered = ["(unreadable notebook)"]
    if answered and not force:
        raise ReleaseError(
            f"{output} holds a learner's answers ({', '.join(answered)}): refusing to overwrite it. "
            "Move it elsewhere first, or rerun with --force (the old file is then kept as a backup).")
    if answered:
        backup = output.with_name(f"{output.stem}.backup-{time.strftime('%Y%m%d-%H%M%S')}{output.suffix}")
        shutil.copy2(output, backup)
        print(f"Kept the old notebook as {backup}.", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="initlab-release", description=__doc__)
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
