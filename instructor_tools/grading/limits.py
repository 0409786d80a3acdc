"""Every limit the grader enforces, in one place (docs/grading.md lists them)."""

# Input, checked by the parent before any work that grows with the file.
MAX_NOTEBOOK_BYTES = 8 * 1024 ** 2  # an executed notebook with its figures is about 2 MB
MAX_CELLS = 2000
MAX_CODE_CELL_CHARS = 100_000
MAX_CODE_CELL_LINES = 2_000
MAX_TOTAL_CODE_CHARS = 300_000  # all code cells together (the template has about 10 000)

# The child that runs learner code.
MEMORY_LIMIT = 2 * 1024 ** 3  # address space of each process
SUBMISSION_MEMORY_LIMIT = 2 * 1024 ** 3  # all its processes and scratch files together (a cgroup, where possible)
CPU_QUOTA = 1.0  # CPUs the whole session may use at once (a cgroup, where possible)
FILE_SIZE_LIMIT = 16 * 1024 ** 2  # largest file it may write
SCRATCH_BYTES = 64 * 1024 ** 2  # its whole scratch directory (isolated modes): the only place it can write
PROCESS_LIMIT = 64  # processes (with a cgroup: pids.max; RLIMIT_NPROC headroom in every mode)
# Without a cgroup, memory is capped per process only: fewer processes, less each, so that they and the
# scratch tmpfs (whose pages no per-process limit counts) stay within one budget.
FALLBACK_PROCESS_LIMIT = 8
FALLBACK_MEMORY_BUDGET = 8 * 1024 ** 3
FALLBACK_MEMORY_LIMIT = (FALLBACK_MEMORY_BUDGET - SCRATCH_BYTES) // FALLBACK_PROCESS_LIMIT
OPEN_FILES = 256

# Running as root, each sandbox gets its own user id, drawn from this range that no account uses, so
# that RLIMIT_NPROC (counted per user) is never shared between two sandboxes.
SANDBOX_UIDS = range(0x70000000, 0x71000000)
SANDBOX_NOBODY = 65534  # the user id learner code sees (inside a user namespace, or dropped to as root)

# The grading channel. A right answer's reply is about 16 KB.
MAX_REPLY_BYTES = 512 * 1024  # one reply line; the parent refuses longer lines
MAX_KEYS = 256  # entries of a returned dict
MAX_DATA_ELEMENTS = 10_000  # per array sent with its data; a right answer has at most a few hundred
MAX_NDIM = 64  # numpy's own limit
MAX_ARRAY_ELEMENTS = 1_000_000  # per reply, over all arrays

# Command line.
MAX_TIMEOUT = 3600.0
