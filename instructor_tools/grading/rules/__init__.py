"""The course's submission rules, checked by comparing a submission with the student template.

Rules that cost points (an exercise whose graded cell breaks one scores 0 unless --lenient):
renamed-function, changed-signature, global-variable, course-helper, extra-print, missing-cell,
edited-outside-answer. Rules that cost nothing: extra-cell, and edits of read-only cells.
Notes (cosmetic-edit) only inform. Nothing here runs the submission's code.

Modules: model (Violation, Template, priorities), template (load_template), cells (find the
graded cells; extra, moved, missing and read-only cells), graded (inside a graded cell: what
runs, its signature, globals, helpers), prints (extra-print), outside (edited-outside-answer).
"""
from .cells import check_submission
from .graded import global_violations
from .model import Located, Template, Violation, most_specific
from .prints import print_violations
from .template import load_template

__all__ = ["check_submission", "load_template", "most_specific", "Template", "Located", "Violation", "global_violations",
           "print_violations"]
