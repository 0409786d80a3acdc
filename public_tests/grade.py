"""Grade a submission: ``python -m public_tests.grade``, a short name for ``initlab-grade``."""
import sys

from instructor_tools.grading.cli import main

if __name__ == "__main__":
    sys.exit(main())
