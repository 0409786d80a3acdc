"""The instructor's grader: rules, sandboxed execution, trusted checks, gradebook.

    initlab-grade SUBMISSION.ipynb            (or python -m public_tests.grade)
    initlab-grade FOLDER --csv gradebook.csv [--jobs N] [--resume]

Reusable pieces: ``grade_submission(path, template, ...) -> verdict dict`` grades one file;
``Gradebook`` writes one CSV row per verdict as soon as it is ready and knows which files
a previous run already graded; ``submissions(folder)`` lists what a batch grades.
"""
from .batch import grade_folder, submissions
from .gradebook import Gradebook
from .grader import grade_submission
from .rules import Template, load_template

__all__ = ["grade_submission", "grade_folder", "submissions", "Gradebook", "Template", "load_template"]
