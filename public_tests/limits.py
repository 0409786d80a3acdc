"""How a self-check ends: a time limit on each call of the learner's function, and a message, never our traceback."""
import signal
import threading
import time
from types import MethodType

from init_utils.inputs import MessageOnly

from .observation import learner_line, source_file

SECONDS = 10.0  # per call; the right answers take milliseconds
ENDLESS = "look for a loop that never ends, e.g. a while loop whose condition never changes."
_live = False  # True only while a limit runs: an alarm outside one (a stray timer) does nothing


class TooSlow(BaseException):
    """The learner's function ran out of time; a BaseException, so that its own ``except Exception`` lets it through."""


def running(error, target):
    """Say which line of the learner's ``target`` an interrupting ``error`` (TooSlow, KeyboardInterrupt) stopped, or nothing."""
    line = learner_line(error, source_file(target), only_learner=True)
    return f" (it was running: `{line}`)" if line else ""


def too_slow(name, seconds, where=""):
    """Say that ``name`` did not return in time (``where``: what ``running`` said), and the likely cause."""
    return f"{name} did not return within {seconds:g} s{where}: {ENDLESS}"


def shown_plainly(error):
    """Return ``error``, shown by IPython as its message alone: the frames it would show are the kit's, not the learner's."""
    error._render_traceback_ = MethodType(MessageOnly._render_traceback_, error)
    return error


def stopped(what, name, where=""):
    """Return the exception that ends ``what`` when the learner interrupts it (Kernel > Interrupt, or the Stop button)."""
    return shown_plainly(KeyboardInterrupt(f"{what} stopped: you interrupted it{where}. If {name} never returns, {ENDLESS}"))


def _expire(signum, frame):
    """Raise TooSlow while a limit is live; ignore a stray alarm."""
    if _live:
        raise TooSlow()


def within(seconds, function, argument):
    """Return ``function(argument)``; raise TooSlow after ``seconds`` where a timer can (Unix, main thread).

    Any earlier handler and timer are put back. An interrupt (Kernel > Interrupt) at any moment leaves no live limit:
    all arming happens inside the ``try``, and the ``finally`` first ends the limit, so that a late alarm does nothing.
    """
    global _live
    __tracebackhide__ = True
    can = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGALRM) if can else None
    if previous is None:  # no timer here, or a handler set outside Python that could not be put back
        return function(argument)
    outer, delay, interval, start = _live, 0.0, 0.0, time.monotonic()
    try:
        signal.signal(signal.SIGALRM, _expire)
        _live = True
        delay, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
        return function(argument)
    finally:
        _live = outer  # first, with no call before it: an interrupt from here on cannot leave a live limit
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # the earlier handler comes back even if an interrupt lands just after the timer stops
            try:
                signal.signal(signal.SIGALRM, previous)
            except KeyboardInterrupt:  # signal.signal raises a pending interrupt before it changes the handler
                signal.signal(signal.SIGALRM, previous)
                raise
            if delay:
                signal.setitimer(signal.ITIMER_REAL, max(delay - (time.monotonic() - start), 1e-6), interval)


def limited(target, seconds):
    """Return ``target`` with a time limit on each call; its TooSlow names the layers_dims of that call."""
    def call(layers_dims):
        __tracebackhide__ = True
        given = list(layers_dims)
        try:
            return within(seconds, target, layers_dims)
        except TooSlow as slow:
            slow.args = (given,)  # the traceback stays: it ends at the learner's line
            raise
    return call
