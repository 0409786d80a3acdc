"""Grade Initialization submissions: ``python -m public_tests.grade``. The grader lives in public_tests/grading/."""
import sys

from .grading.cli import main, report
from .grading.grader import grade_submission

__all__ = ["main", "report", "grade_submission"]

if __name__ == "__main__":
    sys.exit(main())
