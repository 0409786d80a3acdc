"""The course's submission rules, checked by comparing a submission with the student template; nothing here runs it.

An exercise whose graded cell breaks a rule scores 0 unless --lenient: renamed-function,
changed-signature, global-variable, course-helper, dynamic-import, extra-print, missing-cell, edited-outside-answer.
extra-cell and edits of read-only cells cost nothing; cosmetic-edit notes only inform.
"""
from .cells import check_submission
from .graded import global_violations
from .model import Located, Template, Violation, most_specific
from .prints import print_violations
from .template import load_template

__all__ = ["check_submission", "load_template", "most_specific", "Template", "Located", "Violation", "global_violations",
           "print_violations"]
