"""How a self-check ends: a time limit on each call of the learner's function, and a message, never our traceback."""
import signal
import threading
import time
from contextlib import contextmanager
from types import MethodType

from init_utils.inputs import MessageOnly

SECONDS = 10.0  # per call; the right answers take milliseconds
ENDLESS = "look for a loop that never ends, e.g. a while loop whose condition never changes."


class TooSlow(BaseException):
    """The learner's function ran out of time; a BaseException, so that its own ``except Exception`` lets it through."""


def too_slow(name, seconds):
    """Say that ``name`` did not return in time, and the likely cause."""
    return f"{name} did not return within {seconds:g} s: {ENDLESS}"


def shown_plainly(error):
    """Return ``error``, shown by IPython as its message alone: the frames it would show are the kit's, not the learner's."""
    error._render_traceback_ = MethodType(MessageOnly._render_traceback_, error)
    return error


def stopped(what, name):
    """Return the exception that ends ``what`` when the learner interrupts it (Kernel > Interrupt, or the Stop button)."""
    return shown_plainly(KeyboardInterrupt(f"{what} stopped: you interrupted it. If {name} never returns, {ENDLESS}"))


def _expire(signum, frame):
    raise TooSlow()


@contextmanager
def time_limit(seconds):
    """Raise TooSlow in the block after ``seconds``, where a timer can (Unix, main thread); restore any earlier timer."""
    can = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGALRM) if can else None
    if previous is None:  # no timer here, or a handler set outside Python that could not be put back
        yield
        return
    signal.signal(signal.SIGALRM, _expire)
    delay, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if delay:
            signal.setitimer(signal.ITIMER_REAL, max(delay - (time.monotonic() - start), 1e-6), interval)


def limited(target, seconds):
    """Return ``target`` with a time limit on each call; its TooSlow names the layers_dims of that call."""
    def call(layers_dims):
        __tracebackhide__ = True
        given = list(layers_dims)
        try:
            with time_limit(seconds):
                return target(layers_dims)
        except TooSlow:
            raise TooSlow(given) from None
    return call
