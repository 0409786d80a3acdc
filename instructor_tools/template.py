"""The grader's student template: a copy shipped in this package, never the learner's notebooks/Initialization.ipynb."""
import pathlib


def student_template():
    """Return the path of the pristine student notebook installed with this package."""
    return pathlib.Path(__file__).with_name("student_template.ipynb")
