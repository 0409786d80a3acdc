"""Fail closed: a folder, a gradebook or a cluster run grades with isolation, unless ``--isolation off`` says otherwise.

``--isolation auto`` (the default) uses bubblewrap when this machine has it; without it one notebook is
still graded, its report saying NOT ISOLATED, and batches are refused. ``required`` refuses anything
unisolated; ``off`` never isolates (learner code runs with your rights and can rewrite the gradebook).
"""
from .sandbox import isolation

CHOICES = ("auto", "required", "off")


class IsolationRefused(Exception):
    """Learner code cannot be isolated here and the work asked for needs isolation; the message says what to do."""


def refusal(reason, where="this machine"):
    """Return the message that refuses an unisolated batch, naming ``--isolation off``."""
    return (f"learner code cannot be isolated on {where} ({reason}). Grading a folder, writing a gradebook or "
            "grading on a cluster needs isolation: without it, every submission runs with your rights and can rewrite "
            "the gradebook. Install bubblewrap (Debian/Ubuntu: apt install bubblewrap), or add --isolation off to "
            "grade without isolation anyway (only submissions you trust).")


def batch_isolation(wanted):
    """Return what a batch passes to grade_submission: "off", or "required"; raise IsolationRefused if it cannot isolate."""
    if wanted not in CHOICES:
        raise ValueError(f"isolation must be one of {', '.join(CHOICES)}, not {wanted!r}")
    if wanted == "off":
        return "off"
    chosen = isolation("auto")
    if not chosen.isolated:
        raise IsolationRefused(refusal(chosen.reason))
    return "required"
