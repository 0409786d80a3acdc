"""Fail closed: a folder, a gradebook or a cluster run grades with isolation, unless ``--isolation off`` says otherwise.

``--isolation`` means:
- ``auto`` (the default): bubblewrap when this machine has it. Without it, one notebook is still
  graded, and its report says NOT ISOLATED; a folder, a gradebook or a cluster run is refused.
- ``required``: refuse to grade anything without bubblewrap.
- ``off``: never isolate. Learner code then runs with your rights and can write any file you can,
  the gradebook included; use it only for submissions you trust.
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
    """Return what a batch passes to grade_submission for ``--isolation wanted``: "required", or "off" for off.

    Raise IsolationRefused when this machine cannot isolate and ``wanted`` is not "off".
    """
    if wanted not in CHOICES:
        raise ValueError(f"isolation must be one of {', '.join(CHOICES)}, not {wanted!r}")
    if wanted == "off":
        return "off"
    chosen = isolation("auto")
    if not chosen.isolated:
        raise IsolationRefused(refusal(chosen.reason))
    return "required"
