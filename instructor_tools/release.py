"""Write the student notebook from the solved source: solutions emptied, outputs cleared (docs/instructors.md).

A student notebook records in its metadata a digest of the cells it was released with. A release replaces a file
without --force only when no learner's writing can be in it: its cells are what the release writes, or still the
ones it was released with."""
import argparse
import copy
import difflib
import hashlib
import itertools
import json
import os
import pathlib
import re
import sys
import time

from .answer_regions import BEGIN_SOLUTION, END_SOLUTION, check_graded, graded_name, marker_meant, strip_solutions
from .grading.code_compare import normalize_newlines
from .notebook_files import NotebookError, cell_source, display_name, parse_notebook, read_notebook
from .template import student_template

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "source" / "Initialization_solution.ipynb"
STUDENT = ROOT / "notebooks" / "Initialization.ipynb"
LAB, DIGEST = "initialization_lab", "released_cells_sha256"  # notebook metadata: {LAB: {DIGEST: ...}}
CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # nbformat 4.5's pattern


class ReleaseError(Exception):
    """A problem the instructor has to fix; the message says how."""


def student_notebook(source_notebook):
    """Return the student notebook of a solved one: solutions emptied; outputs, counts and run times cleared.

    Raise ValueError naming the cell and line of anything that cannot be released as it is."""
    notebook = copy.deepcopy(source_notebook)
    if not isinstance(notebook.get("metadata"), dict):
        raise ValueError('it has no top-level "metadata" object; add "metadata": {} beside its "cells"')
    notebook["metadata"].pop("widgets", None)
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell.get("metadata", {}), dict):
            raise ValueError(f'cell {number}: its "metadata" is not an object; make it {{}}')
        text = normalize_newlines(cell_source(cell))
        name = graded_name(text) if cell["cell_type"] == "code" else None
        try:
            cell["source"] = _student_source(text, name, cell["cell_type"]).splitlines(keepends=True)
        except ValueError as error:
            raise ValueError(f"cell {number}{f' ({name})' if name else ''}: {error}") from None
        if cell["cell_type"] == "code":
            cell.update(outputs=[], execution_count=None)
            cell.get("metadata", {}).pop("execution", None)  # nbconvert's timestamps from `make execute`
    _give_ids(notebook)
    notebook["metadata"][LAB] = {DIGEST: digest(released_cells(notebook))}
    return notebook


def _student_source(text, name, kind):
    """Return a cell's student source: a graded cell's solution emptied. Refuse broken markers in a graded cell and
    solution markers in any other cell (answer markers elsewhere are prose or examples: they stay as they are)."""
    if name:
        check_graded(text, name, solved=True)
        return strip_solutions(text, name)
    for number, line in enumerate(text.split("\n"), start=1):
        if marker_meant(line) in (BEGIN_SOLUTION, END_SOLUTION):
            where = "this cell has no '# GRADED FUNCTION: <name>' first line" if kind == "code" else f"this is a {kind} cell"
            raise ValueError(f"line {number}: '{line.strip()}' is a marker, but {where}; solution markers belong in "
                             "graded code cells only")
    return text


def _give_ids(notebook):
    """Give each cell a unique id where the notebook's format (4.5 on) asks for one: its own, else cell-<number>."""
    version = (notebook.get("nbformat"), notebook.get("nbformat_minor"))
    if not all(isinstance(part, int) for part in version) or version < (4, 5):
        return  # older formats have no cell ids
    taken = {cell.get("id") for cell in notebook["cells"] if isinstance(cell.get("id"), str)}
    seen = set()
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell.get("id"), str) or not CELL_ID.fullmatch(cell["id"]) or cell["id"] in seen:
            cell["id"], n = f"cell-{number}", 1
            while cell["id"] in taken:
                n += 1
                cell["id"] = f"cell-{number}-{n}"
            taken.add(cell["id"])
        seen.add(cell["id"])


def released_cells(notebook):
    """Return [(cell type, source)] of a notebook's cells: what a release digest covers."""
    return [(cell.get("cell_type"), cell_source(cell)) for cell in notebook["cells"]]


def digest(cells):
    """Return the SHA-256 of ``cells`` (from released_cells), as hex."""
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()


def release(source=SOURCE, outputs=None, force=False, check=False, out=sys.stdout):
    """Write (with ``check``: only compare) the student notebook at each of ``outputs``; return the exit status."""
    source = pathlib.Path(source)
    if not source.exists():
        raise ReleaseError(f"{source} does not exist: run this from a checkout of the project, or pass --source.")
    try:
        student = student_notebook(read_notebook(source))
    except NotebookError as error:
        raise ReleaseError(str(error)) from None
    except ValueError as error:
        raise ReleaseError(f"{display_name(source)}: {error}") from None
    data = (json.dumps(student, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    status = 0
    for output in map(pathlib.Path, [STUDENT, student_template()] if outputs is None else outputs):
        current = _current(output)
        if current == data:
            print(f"{output} is up to date with {source}." if check else f"{output} is already up to date.", file=out)
        elif check:
            print(f"{output} differs from what {source} generates: run 'make release' and commit the result.", file=out)
            status = 1
        else:
            if current is not None:
                _make_room(output, current, source, released_cells(student), force, out)
            try:
                output.write_bytes(data)
            except FileNotFoundError:
                raise ReleaseError(f"cannot write {output}: the folder {output.parent} does not exist.") from None
            except OSError as error:
                raise ReleaseError(f"cannot write {output} ({error.strerror or error}).") from None
            print(f"Wrote {output} from {source}.", file=out)
    return status


def _current(output):
    """Return the bytes of ``output``, or None if there is no such file yet."""
    try:
        return output.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ReleaseError(f"{output} is a folder: pass the path of a notebook file, such as "
                           f"{output / STUDENT.name}.") from None
    except OSError as error:
        raise ReleaseError(f"cannot read {output} ({error.strerror or error}).") from None


def _make_room(output, current, source, cells, force, out):
    """Refuse to overwrite ``output`` if that could lose a learner's writing; with ``force``, keep a backup first."""
    if os.path.samefile(output, source):
        problem = (f"{output} is the solved source notebook itself: writing the student notebook over it would delete "
                   "its solutions. Pass another --output")
    else:
        problem = _changed(output, current, cells)
        if problem is None:
            return
        problem += ", so it may hold a learner's work: refusing to overwrite it. Move it elsewhere first"
    if not force:
        raise ReleaseError(f"{problem}, or rerun with --force (the old file is then kept as a backup beside it).")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        backup = output.with_name(f"{output.stem}.backup-{stamp}{f'-{n}' if n > 1 else ''}{output.suffix}")
        try:
            with open(backup, "xb") as handle:
                handle.write(current)
            break
        except FileExistsError:
            continue
        except OSError as error:
            raise ReleaseError(f"cannot keep a backup of {output} as {backup} ({error.strerror or error}); "
                               "nothing was written.") from None
    print(f"Kept the old notebook as {backup}.", file=out)


def _changed(output, current, cells):
    """Return how ``output`` (bytes ``current``) may hold a learner's writing, or None if it cannot."""
    try:
        notebook = parse_notebook(current, display_name(output))
    except NotebookError:
        return f"{output} is not a notebook that this tool could have written"
    mine = released_cells(notebook)
    metadata = notebook.get("metadata")
    recorded = metadata.get(LAB) if isinstance(metadata, dict) else None
    recorded = recorded.get(DIGEST) if isinstance(recorded, dict) else None
    if mine == cells or (recorded is not None and recorded == digest(mine)):
        return None
    state = "was edited after it was released" if recorded is not None else "carries no release digest"
    return f"{output} {state}: {_differences(mine, cells)}"


def _differences(mine, new):
    """Return which of a notebook's cells (``mine``) the new release lacks, and how many of its cells it lacks."""
    matcher = difflib.SequenceMatcher(None, mine, new, autojunk=False)
    kept = {index for start, _, size in matcher.get_matching_blocks() for index in range(start, start + size)}
    extra = [f"{number}" + (f" ({graded_name(text)})" if kind == "code" and graded_name(text) else "")
             for number, (kind, text) in enumerate(mine, start=1) if number - 1 not in kept]
    parts = []
    if extra:
        listed = ", ".join(extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10 else "")
        parts.append(f"its cell{'s' if len(extra) > 1 else ''} {listed} {'are' if len(extra) > 1 else 'is'} not in "
                     "the new release")
    if len(new) > len(kept):
        parts.append(f"{len(new) - len(kept)} cell(s) of the new release are not in it")
    return "; ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="initlab-release", description=__doc__)
    parser.add_argument("--source", default=SOURCE, help="solved source notebook (default: %(default)s)")
    parser.add_argument("--output", action="append", metavar="PATH",
                        help="student notebook to write; repeat for several (default: the learner's copy "
                             f"{STUDENT} and the grader's template {student_template()})")
    parser.add_argument("--force", action="store_true",
                        help="overwrite a notebook that may hold a learner's work (it is kept as a backup)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if an output is stale")
    args = parser.parse_args(argv)
    try:
        return release(args.source, args.output, force=args.force, check=args.check)
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
