"""The gradebook CSV: one row per submission, flushed as soon as its verdict is ready, so a stopped run can resume.

Cells a spreadsheet would run as formulas get a leading ' (OWASP). A run with ``--isolation off`` first writes
a NOT ISOLATED marker row, and resuming it needs ``--isolation off`` again: a submission that ran with your
rights could have appended rows of its own.
"""
import contextlib
import csv
import os
import threading

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
        exists = os.path.exists(self.path) and os.path.getsize(self.path) > 0
        if exists and resume:
            self.done, marked = self._read_rows(header)
            if marked and isolated:
                raise GradebookError(f"cannot resume {self.path}: it was written with --isolation off, so a "
                                     "submission may have added rows to it. Grade into a new gradebook, or add "
                                     "--isolation off to continue it anyway.")
        elif exists and not overwrite:
            raise GradebookError(f"{self.path} already exists: add --resume to continue it (files that have a row "
                                 "are skipped), or --overwrite to start it again.")
        try:
            self._handle = open(self.path, "a" if exists and resume else "w", newline="", encoding="utf-8")
        except OSError as error:
            raise GradebookError(f"cannot write {self.path}: {error.strerror or error}") from None
        self._writer = csv.writer(self._handle)
        self._write(([] if exists and resume else [header]) +
                    ([] if isolated else [["", "", "", *("" for _ in self.names), "", MARKER, NOT_ISOLATED]]))

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
        return {from_spreadsheet(row[0]) for row in whole if row[0]}, any(row[-1] == NOT_ISOLATED for row in whole)

    def _cut(self, size):
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(size)
        except OSError as error:
            raise GradebookError(f"cannot resume {self.path}: {error.strerror or error}") from None

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
        with contextlib.suppress(OSError):  # a row that could not be written: --resume drops what reached the file
            self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
