"""What the rules work on and what they report: the template, a located graded cell, a violation."""
import ast
from dataclasses import asdict, dataclass, field

from ...notebook_files import cell_source, code_cells
from ..code_compare import normalize_newlines, python_source

# Rules in the order a report names them first: the most specific first.
PRIORITY = ("renamed-function", "changed-signature", "global-variable", "course-helper", "dynamic-import", "extra-print",
            "missing-cell", "edited-outside-answer", "extra-cell")
SPECIFIC = ("renamed-function", "changed-signature")


@dataclass
class Violation:
    rule: str
    exercise: object  # str or None
    cell: object  # int or None, numbered from 1 over all cells
    line: object  # int or None, numbered from 1 within the cell
    message: str

    def to_dict(self):
        return asdict(self)


@dataclass
class Template:
    """What the grader needs from the student template (plain data: picklable)."""

    import_source: str  # plain Python (magics transformed)
    graded: dict  # exercise name -> template cell source, in notebook order
    points: dict  # exercise name -> points of its self-check cell
    locked: dict  # grade_id -> source of every other code cell
    allowed_globals: set  # names a graded function may read besides its own
    helper_names: set = field(default_factory=set)  # of those, the ones the course's own packages bind


@dataclass
class Located:
    """Where an exercise's graded cell is in the submission."""

    cell: int
    source: str


def most_specific(violations):
    """Return the violation to name first: the most specific rule, then the earliest line."""
    return min(violations, key=lambda v: (PRIORITY.index(v.rule), v.line or 0))


def without_duplicates(violations):
    """Drop an edited-outside-answer finding on a line that a more specific rule already names."""
    named = {(v.exercise, v.cell, v.line) for v in violations if v.rule in SPECIFIC}
    return [v for v in violations
            if not (v.rule == "edited-outside-answer" and (v.exercise, v.cell, v.line) in named)]


def without_contradictions(notes, violations):
    """Drop a note on a line that a violation names (a line cannot both cost nothing and cost the exercise)."""
    named = {(v.exercise, v.cell, v.line) for v in violations}
    return [note for note in notes if (note.exercise, note.cell, note.line) not in named]


def parse(source):
    """Return the AST of a cell as IPython would run it, or None on a SyntaxError."""
    try:
        return ast.parse(python_source(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def code_of(node):
    """Return ``node``'s code, or a phrase for code nested too deeply for ast.unparse (it recurses)."""
    try:
        return ast.unparse(node)
    except RecursionError:
        return "code nested too deeply to show"


def shorten(node):
    """Return the first line of ``node``'s code, cut to 60 characters."""
    text = code_of(node).split("\n")[0]
    return text if len(text) <= 60 else text[:57] + "..."


def code_sources(notebook):
    """Return [(cell number, cell, source with LF line endings)] of the notebook's code cells."""
    return [(number, cell, normalize_newlines(cell_source(cell))) for number, cell in code_cells(notebook)]
