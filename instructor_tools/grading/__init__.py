"""The instructor's grader: rules, sandboxed execution, trusted checks, gradebook (see docs/grading.md).

    initlab-grade SUBMISSION.ipynb            (or python -m public_tests.grade)
    initlab-grade FOLDER --csv gradebook.csv [--jobs N] [--resume]
"""
from .batch import grade_folder, submissions
from .gradebook import Gradebook
from .grader import grade_submission
from .rules import Template, load_template

__all__ = ["grade_submission", "grade_folder", "submissions", "Gradebook", "Template", "load_template"]
