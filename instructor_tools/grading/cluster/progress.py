"""What a cluster batch has done so far: rows, errors, submissions without a row, and the lines it prints."""
import time

from ..report import not_isolated, terminal_safe


class Progress:
    """The counts of one batch, and its progress line at most every ``every`` seconds."""

    def __init__(self, total, skipped, workers, out, every):
        self.total, self.skipped, self.workers, self.out, self.every = total, skipped, workers, out, every
        self.graded = self.errors = self.not_isolated = 0
        self.failed, self.suspects = {}, []
        self.start = self.last = time.monotonic()

    def record(self, gradebook, name, verdict):
        """Write the row of ``verdict`` and count it."""
        gradebook.write(name, verdict)
        self.graded += 1
        self.errors += bool(verdict["error"])
        self.not_isolated += not_isolated(verdict)

    def fail(self, name, reason):
        """Count a submission that got no row (a cluster or grader error ``reason``), and say so."""
        self.failed[name] = reason
        self.say(f"{name}: no row ({reason})")

    def say(self, text):
        """Print one line, control characters escaped."""
        print(terminal_safe(text), file=self.out, flush=True)

    def tick(self):
        """Print the progress line if ``every`` seconds have passed since the last one."""
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last, seconds = now, now - self.start
        done = self.graded + len(self.failed)
        rate = self.graded / seconds if seconds > 0 else 0.0
        eta = f", about {duration((self.total - done) / rate)} left" if rate > 0 else ""
        print(f"[{done}/{self.total}] {rate:.2f} submissions/s on {self.workers} worker(s), {self.errors} with an "
              f"error{eta}", file=self.out, flush=True)

    def summary(self):
        """Return the summary dict of the batch; ``failed`` maps each submission left without a row to why."""
        return {"graded": self.graded, "errors": self.errors, "skipped": self.skipped, "failed": dict(self.failed),
                "suspects": list(self.suspects), "workers": self.workers, "not_isolated": self.not_isolated,
                "seconds": time.monotonic() - self.start}


def duration(seconds):
    """Return a number of seconds as "1 h 05 min", "3 min 07 s" or "42 s"."""
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


def summary_line(summary, csv_path):
    """Return the closing line: graded, errors, time, submissions per second."""
    seconds = summary["seconds"]
    rate = summary["graded"] / seconds if seconds > 0 else 0.0
    text = (f"Graded {summary['graded']} notebook(s) on the cluster in {seconds:.1f} s ({rate:.2f} submissions/s), "
            f"{summary['errors']} with an error")
    if summary["skipped"]:
        text += f" ({summary['skipped']} already in the gradebook, skipped)"
    if summary["suspects"]:
        text += f"; {len(summary['suspects'])} graded again alone after their worker died"
    text += f"; wrote {csv_path}."
    if summary["failed"]:
        text += (f" {len(summary['failed'])} got no row (listed above): fix the cause and rerun "
                 "with --resume to grade them.")
    return terminal_safe(text)
