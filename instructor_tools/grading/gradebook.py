"""The gradebook CSV: one row per submission, written and flushed as soon as its verdict is ready.

A run that stops half-way (a crash, Ctrl-C, a lost machine) keeps every row written so
far. ``Gradebook(path, names, resume=True)`` continues such a file: it drops a last row
cut off mid-write, checks the columns, and lists in ``done`` the files that already
have a row, so a batch skips them.
"""
import csv
import os
import threading



class GradebookError(Exception):
    """The gradebook cannot be used as asked; the message says what to do."""


def columns(names):
    """Return the header row for the graded functions ``names``."""
    return ["file", "score", "max_score", *names, "rules", "error"]


def row_name(relative):
    """Return the gradebook's name for a submission path relative to the batch folder: printable, one line.

    Different paths always get different names: a byte that is not UTF-8 becomes ``\\xNN``, a
    backslash ``\\\\``, a newline, tab or carriage return ``\\n``, ``\\t``, ``\\r``, and any other
    character that is not printable ``\\uNNNN`` (or ``\\UNNNNNNNN``).
    """
    try:
        text = os.fsencode(os.fspath(relative)).decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # not from this file system (a lone surrogate that no byte gives)
        text = os.fspath(relative)
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\\":
            out.append("\\\\")
        elif char in _SHORT:
            out.append(_SHORT[char])
        elif not char.isprintable():
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def verdict_row(name, verdict, names):
    """Return the CSV row of ``verdict`` for the submission called ``name`` (see row_name)."""
    scores = {e["name"]: e["score"] for e in verdict["exercises"]}
    rules = sorted({v["rule"] for v in verdict["violations"]})
    error = " ".join((verdict["error"] or "").split())
    return [name, f"{verdict['score']:g}", f"{verdict['max_score']:g}", *(f"{scores.get(n, 0):g}" for n in names),
            " ".join(rules), error]


class Gradebook:
    """Append-only CSV writer shared by every thread of a batch (and by cluster runs)."""

    def __init__(self, path, names, resume=False, overwrite=False):
        self.path, self.names = os.fspath(path), list(names)
        self.done = set()
        self._lock = threading.Lock()
        header = columns(self.names)
        exists = os.path.exists(self.path) and os.path.getsize(self.path) > 0
        if exists and resume:
            self.done = self._read_done(header)
            mode = "a"
        elif exists and not overwrite:
            raise GradebookError(f"{self.path} already exists: add --resume to continue it (files that have a row "
                                 "are skipped), or --overwrite to start it again.")
        else:
            mode = "w"
        try:
            self._handle = open(self.path, mode, newline="", encoding="utf-8")
        except OSError as error:
            raise GradebookError(f"cannot write {self.path}: {error.strerror or error}") from None
        self._writer = csv.writer(self._handle)
        if mode == "w":
            self._writer.writerow(header)
            self._handle.flush()

    def _read_done(self, header):
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
            if not raw.endswith(b"\n"):  # the last row was cut off mid-write: drop it
                with open(self.path, "r+b") as handle:
                    handle.truncate(raw.rfind(b"\n") + 1)
                raw = raw[: raw.rfind(b"\n") + 1]
            rows = list(csv.reader(raw.decode("utf-8").splitlines()))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise GradebookError(f"cannot resume {self.path}: it is not a gradebook CSV ({error}).") from None
        if not rows or rows[0] != header:
            raise GradebookError(f"cannot resume {self.path}: its columns are not {', '.join(header)}. "
                                 "Write to a new file instead.")
        return {row[0] for row in rows[1:] if len(row) == len(header)}

    def write(self, name, verdict):
        """Write the row of one verdict and flush it to the file."""
        with self._lock:
            self._writer.writerow(verdict_row(name, verdict, self.names))
            self._handle.flush()
            self.done.add(name)

    def close(self):
        with self._lock:
            self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
