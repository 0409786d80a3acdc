"""The gradebook CSV: one row per submission, flushed as soon as its verdict is ready, so a stopped run can resume.

One grader at a time: a run holds an exclusive lock on the file (flock) until it ends, and a second run is refused.
A gradebook that is not a regular file (/dev/null, a pipe) is written as it comes: never locked, read or emptied.
Cells a spreadsheet would run as formulas get a leading ' (OWASP). A run with ``--isolation off`` first writes
a NOT ISOLATED marker row, and resuming it needs ``--isolation off`` again: a submission that ran with your
rights could have appended rows of its own.
"""
import collections
import contextlib
import csv
import os
import shlex
import stat
import sys
import threading

try:
    import fcntl
except ImportError:  # Windows: no flock, so nothing stops a second grader there
    fcntl = None

from .report import not_isolated, terminal_safe

NOT_ISOLATED = "NOT ISOLATED"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
MARKER = ("learner code runs NOT ISOLATED (--isolation off) from this row on: a submission could have written any "
          "row below")


class GradebookError(Exception):
    """The gradebook cannot be used as asked; the message says what to do."""


def spreadsheet_safe(text):
    """Return ``text`` as a cell no spreadsheet runs as a formula (a leading ``'`` where needed)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_spreadsheet(text):
    """Return the text that ``spreadsheet_safe`` turned into ``text``."""
    return text[1:] if text.startswith("'") else text


def row_name(relative):
    """Return the gradebook's name for a path relative to the batch folder: printable, one line, one per path."""
    try:
        text = os.fsencode(os.fspath(relative)).decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # not from this file system (a lone surrogate that no byte gives)
        text = os.fspath(relative)
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in "\\\n\t\r":
            out.append(char.encode("unicode_escape").decode("ascii"))
        elif not char.isprintable():
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def verdict_row(name, verdict, names):
    """Return the CSV row of ``verdict`` for the submission called ``name`` (see row_name)."""
    scores = {e["name"]: e["score"] for e in verdict["exercises"]}
    isolated = NOT_ISOLATED if not_isolated(verdict) else "isolated" if verdict.get("isolation") else ""
    return [name, f"{verdict['score']:g}", f"{verdict['max_score']:g}", *(f"{scores.get(n, 0):g}" for n in names),
            " ".join(sorted({v["rule"] for v in verdict["violations"]})),
            terminal_safe(" ".join((verdict["error"] or "").split())), isolated]


class Gradebook:
    """Append-only CSV writer shared by the threads of a batch; ``isolated=False`` writes the marker row at once."""

    def __init__(self, path, names, resume=False, overwrite=False, isolated=True):
        self.path, self.names = os.fspath(path), list(names)
        self.done = set()
        self._lock = threading.Lock()
        header = ["file", "score", "max_score", *self.names, "rules", "error", "isolation"]
        self._handle, regular = self._open_alone()
        try:
            exists = regular and os.fstat(self._handle.fileno()).st_size > 0  # under the lock: no grader changes it
            refuse_replacing(self.path, exists, resume, overwrite)
            if exists and resume:
                self.done, marked = self._read_rows(header)
                if marked and isolated:
                    raise GradebookError(f"cannot resume {self.path}: it was written with --isolation off, so a "
                                         "submission may have added rows to it. Grade into a new gradebook, or add "
                                         "--isolation off to continue it anyway.")
            self._writer = csv.writer(self._handle)
            if regular and not (exists and resume):
                self._cut(0, "cannot write")
            self._write(([] if exists and resume else [header]) +
                        ([] if isolated else [["", "", "", *("" for _ in self.names), "", MARKER, NOT_ISOLATED]]))
        except BaseException:
            self.close()
            raise

    def _open_alone(self):
        """Open the gradebook to append (nothing in it changes yet) and lock it if it is a regular file; refuse it if
        another grader has it. Return (the file, whether it is a regular file)."""
        try:
            handle = open(self.path, "a", newline="", encoding="utf-8")  # O_APPEND: every row lands at the end
            regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
        except OSError as error:
            raise GradebookError(f"cannot write {self.path}: {error.strerror or error}") from None
        try:
            if fcntl and regular:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock_holder(handle.fileno())
            handle.close()
            raise GradebookError(f"{self.path} is being written by another grader{f' (pid {holder})' if holder else ''}"
                                 ": wait until it ends, or grade into another file. Nothing was written.") from None
        except OSError:  # a file system without locks (Lustre mounted without flock): grade, unguarded as before
            pass
        return handle, regular

    def _read_rows(self, header):
        """Return (names that have a whole row, whether a row says NOT ISOLATED); drop a row cut off mid-write."""
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
            whole_rows = raw[: raw.rfind(b"\n") + 1]  # without a last row cut off mid-write
            rows = list(csv.reader(whole_rows.decode("utf-8").splitlines()))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise GradebookError(f"cannot resume {self.path}: it is not a gradebook CSV ({error}).") from None
        if not rows or rows[0] != header:
            raise GradebookError(f"cannot resume {self.path}: its columns are not {', '.join(header)}. "
                                 "Write to a new file instead.")
        if whole_rows != raw:  # only a gradebook loses its cut-off row
            self._cut(len(whole_rows))
        whole = [row for row in rows[1:] if len(row) == len(header)]
        names = collections.Counter(from_spreadsheet(row[0]) for row in whole if row[0])
        repeated = sorted(name for name, count in names.items() if count > 1)
        if repeated:
            print(terminal_safe(f"WARNING: {self.path} has more than one row for {len(repeated)} file(s): "
                                f"{', '.join(repeated[:10])}{' ...' if len(repeated) > 10 else ''}. Keep the right "
                                "row of each (two graders may have written them) before you use the grades."),
                  file=sys.stderr)
        return set(names), any(row[-1] == NOT_ISOLATED for row in whole)

    def _cut(self, size, doing="cannot resume"):
        """Cut the gradebook (a regular file) to ``size`` bytes; raise GradebookError if it cannot be."""
        try:
            os.truncate(self._handle.fileno(), size)
        except OSError as error:
            raise GradebookError(f"{doing} {self.path}: {error.strerror or error}") from None

    def _write(self, rows):
        try:
            self._writer.writerows(rows)
            self._handle.flush()
        except OSError as error:
            self.close()  # this batch ends here
            raise GradebookError(f"cannot write {self.path}: {error.strerror or error}. The rows written so far are "
                                 "kept: make room, then rerun with --resume to grade the rest.") from None

    def write(self, name, verdict):
        """Write the row of one verdict and flush it to the file."""
        with self._lock:
            self._write([[spreadsheet_safe(cell) for cell in verdict_row(name, verdict, self.names)]])
            self.done.add(name)

    def close(self):
        """Close the file, which releases the lock."""
        with contextlib.suppress(OSError):  # a row that could not be written: --resume drops what reached the file
            self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def refuse_replacing(path, exists, resume, overwrite):
    """Raise GradebookError if the gradebook ``path`` ``exists`` (holds data) and neither --resume nor --overwrite
    was given."""
    if exists and not (resume or overwrite):
        raise GradebookError(f"{path} already exists: add --resume to continue it (files that have a row are "
                             "skipped), or --overwrite to start it again.")


def lock_holder(fd):
    """Return the PID that holds a flock on the file of ``fd`` (from Linux's /proc/locks), or None."""
    info = os.fstat(fd)
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/locks") as locks:
        for line in locks:
            fields = line.split()
            if "FLOCK" in fields and key in fields:
                return int(fields[fields.index(key) - 1])
    return None


def refuse_unsafe_path(csv_path, folder, notebooks):
    """Raise GradebookError if writing ``csv_path`` could overwrite a notebook: it ends in .ipynb, lies inside the
    graded ``folder``, or is the same file as one of ``notebooks`` (the template, the submissions)."""
    shown, real, inside = os.fspath(csv_path), os.path.realpath(csv_path), os.path.realpath(folder)
    why = ("it ends in .ipynb" if shown.lower().endswith(".ipynb") else
           f"it is inside the graded folder {os.fspath(folder)}" if os.path.commonpath([real, inside]) == inside else
           _same_file(csv_path, notebooks))
    if why:
        example = _outside_example(shown, folder)
        raise GradebookError(terminal_safe(f"refusing the gradebook {shown}: {why}, so writing it could destroy a "
                                           "notebook. Give a .csv file outside the graded folder"
                                           f"{f', e.g. --csv {example}' if example else ''}. Nothing was written."))


def _outside_example(csv_path, folder):
    """Return a gradebook path beside ``folder`` (as the folder was given: relative or absolute) to suggest instead
    of ``csv_path``, or None if that too would be refused."""
    name = os.path.basename(csv_path) if csv_path.lower().endswith(".csv") else "gradebook.csv"
    example = os.path.join(os.path.dirname(os.path.abspath(folder)), name)
    inside, real = os.path.realpath(folder), os.path.realpath(example)
    if os.path.commonpath([real, inside]) == inside or real == os.path.realpath(csv_path):
        return None
    return shlex.quote(example if os.path.isabs(folder) else os.path.relpath(example))


def _same_file(path, notebooks):
    try:
        info = os.stat(path)
    except OSError:  # not there yet (or unreadable): no notebook it could be
        return None
    for notebook in notebooks:
        with contextlib.suppress(OSError):
            if os.path.samestat(info, os.stat(notebook)):
                return f"it is the same file as {os.fspath(notebook)}"
    return None
