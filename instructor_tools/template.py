"""Where the grader finds the student template: a copy shipped inside this package.

The learner edits notebooks/Initialization.ipynb, so the grader never reads that file as its
template. `initlab-release` writes the same student notebook to both places, and
`initlab-release --check` fails when either is stale.
"""
import pathlib

TEMPLATE_NAME = "student_template.ipynb"


def student_template():
    """Return the path of the pristine student notebook installed with this package."""
    return pathlib.Path(__file__).with_name(TEMPLATE_NAME)
