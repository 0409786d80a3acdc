"""Every limit the grader enforces, in one place (the README's Grading section lists them)."""

# Input, checked by the parent before any work that grows with the file.
MAX_NOTEBOOK_BYTES = 8 * 1024 ** 2  # an executed notebook with its figures is about 2 MB
MAX_CELLS = 2000
MAX_CODE_CELL_CHARS = 100_000
MAX_CODE_CELL_LINES = 2_000
MAX_TOTAL_CODE_CHARS = 300_000  # all code cells together (the template has about 10 000)

# The child that runs learner code.
MEMORY_LIMIT = 2 * 1024 ** 3  # address space of each process
SUBMISSION_MEMORY_LIMIT = 2 * 1024 ** 3  # all its processes and scratch files together (a cgroup, where possible)
FILE_SIZE_LIMIT = 16 * 1024 ** 2  # largest file it may write
SCRATCH_BYTES = 64 * 1024 ** 2  # its whole scratch directory (isolated modes)
PROCESS_LIMIT = 64  # processes (with a cgroup: pids.max; RLIMIT_NPROC headroom in every mode)
# Without a cgroup, memory is capped per process only: fewer processes, less each (8 x 1 GiB at most).
FALLBACK_PROCESS_LIMIT = 8
FALLBACK_MEMORY_LIMIT = 1024 ** 3
MAX_REPLY_BYTES = 8 * 1024 ** 2  # one reply line on the grading channel
MAX_ARRAY_ELEMENTS = 1_000_000  # per reply, over all arrays

# Command line.
MAX_TIMEOUT = 3600.0
