"""How a self-check ends: the time limit on each call of a learner's function (an interrupt at any moment of arming or
disarming leaves no live limit behind), and the messages of a timeout or an interrupt, which quote the learner's line."""
import re
import signal
import threading
import time

import pytest

from learners import assert_passed
from public_tests import initialize_parameters_he_test, initialize_parameters_zeros_test, limits, print_parameters
from reference import REFERENCE


@pytest.fixture
def alarms():
    """Record the SIGALRMs that reach an earlier handler; put the handler back and stop any timer after the test."""
    heard = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: heard.append(signum))
    try:
        yield heard
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_alarm_during_the_call_raises_too_slow_naming_its_layers_dims(alarms):
    def learner(layers_dims):
        signal.raise_signal(signal.SIGALRM)  # the timer's alarm, at once: no waiting, no timing luck

    with pytest.raises(limits.TooSlow) as raised:
        limits.limited(learner, 1000)([2, 1])
    assert raised.value.args == ([2, 1],) and alarms == []
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


INTERRUPTED = {  # where the interrupt lands: module, function, which call of it, whether that call took effect first
    "just after the alarm handler is installed": (signal, "signal", 1, True),
    "just after the timer is armed": (signal, "setitimer", 1, True),
    "at time.monotonic, as learner5's repro t2": (time, "monotonic", 1, True),
    "just after the timer is disarmed": (signal, "setitimer", 2, True),
    # signal.signal raises a pending interrupt before it changes the handler (CPython's signalmodule.c)
    "as signal.signal is about to put the earlier handler back": (signal, "signal", 2, False),
    "just after the earlier handler is put back": (signal, "signal", 2, True),
}


@pytest.mark.parametrize("module, name, nth, done", INTERRUPTED.values(), ids=list(INTERRUPTED))
def test_an_interrupt_while_the_limit_is_armed_or_disarmed_leaves_no_timer_and_puts_the_earlier_handler_back(
        monkeypatch, alarms, module, name, nth, done):
    earlier, real, calls = signal.getsignal(signal.SIGALRM), getattr(module, name), []

    def interrupted(*args):
        calls.append(args)
        if len(calls) == nth and not done:
            raise KeyboardInterrupt  # Kernel > Interrupt, raised before the call does anything
        result = real(*args)
        if len(calls) == nth:
            raise KeyboardInterrupt  # Kernel > Interrupt, landing on the next bytecode
        return result

    monkeypatch.setattr(module, name, interrupted)
    with pytest.raises(KeyboardInterrupt):
        limits.limited(lambda layers_dims: {}, 1000)([2, 1])
    monkeypatch.undo()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is earlier
    signal.raise_signal(signal.SIGALRM)  # a later alarm, e.g. from a learner's own timer, reaches their handler
    assert alarms == [signal.SIGALRM]


def test_a_stray_alarm_after_the_limit_ended_does_nothing(alarms):
    limits.limited(lambda layers_dims: {}, 1000)([2, 1])
    signal.signal(signal.SIGALRM, limits._expire)  # the limit's handler, left behind by an interrupt
    signal.raise_signal(signal.SIGALRM)  # no TooSlow in a later, unrelated cell
    signal.setitimer(signal.ITIMER_REAL, 1000)  # and a timer left armed: the next limit saves and restores both
    limits.limited(lambda layers_dims: {}, 1000)([2, 1])
    assert signal.getsignal(signal.SIGALRM) is limits._expire and signal.getitimer(signal.ITIMER_REAL)[0] > 0
    signal.raise_signal(signal.SIGALRM)


def endless(layers_dims):
    while True:
        pass


def test_an_endless_loop_ends_the_check_with_a_time_limit_message(monkeypatch, capsys):
    monkeypatch.setattr(limits, "SECONDS", 0.05)
    before = signal.getsignal(signal.SIGALRM)
    stuck = "initialize_parameters_he did not return within 0.05 s (it was running: `while True:`): look for a loop"
    with pytest.raises(AssertionError, match=re.escape(stuck)):
        initialize_parameters_he_test(endless)
    assert "initialize_parameters_he([2, 4, 1]) is not right yet" in capsys.readouterr().out
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is before


def test_print_parameters_gives_up_on_an_endless_loop_with_the_same_message(monkeypatch, capsys):
    monkeypatch.setattr(limits, "SECONDS", 0.05)
    print_parameters(endless, [3, 2, 1])
    assert capsys.readouterr().out == ("endless did not return within 0.05 s (it was running: `while True:`): look for a loop "
                                       "that never ends, e.g. a while loop whose condition never changes. The check below "
                                       "explains.\n")


def test_a_right_answer_passes_under_the_time_limit_and_an_earlier_timer_is_put_back(capsys):
    def earlier(signum, frame):
        raise AssertionError("the earlier timer fired during the test")

    previous = signal.signal(signal.SIGALRM, earlier)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1000)
        initialize_parameters_he_test(REFERENCE["he"], grader_cases=True)
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        assert signal.getsignal(signal.SIGALRM) is earlier and 0 < left <= 1000
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert_passed(capsys.readouterr().out, "he", grader_cases=True)


def test_outside_the_main_thread_the_check_runs_without_a_time_limit(capsys):
    worker = threading.Thread(target=initialize_parameters_he_test, args=(REFERENCE["he"],))
    worker.start()
    worker.join()
    assert_passed(capsys.readouterr().out, "he")


def test_stopping_the_check_ends_with_a_one_line_message_that_quotes_the_line_it_was_running():
    def initialize_parameters_he(layers_dims):
        raise KeyboardInterrupt  # what the Stop button raises in a loop that never ends

    with pytest.raises(KeyboardInterrupt) as raised:
        initialize_parameters_he_test(initialize_parameters_he)
    assert raised.value._render_traceback_() == [
        "KeyboardInterrupt: initialize_parameters_he_test stopped: you interrupted it (it was running: `raise "
        "KeyboardInterrupt  # what the Stop button raises in a loop that never ends`). If initialize_parameters_he never "
        "returns, look for a loop that never ends, e.g. a while loop whose condition never changes."]
    with pytest.raises(KeyboardInterrupt, match="print_parameters stopped: you interrupted it .it was running: `raise"):
        print_parameters(initialize_parameters_he, [2, 1])


def loops_for_deeper_networks(layers_dims):
    parameters = {}
    while len(layers_dims) > 3:
        pass
    return parameters


def test_a_time_limit_message_quotes_the_line_of_the_loop_that_never_ended(monkeypatch, capsys):
    monkeypatch.setattr(limits, "SECONDS", 0.05)  # the loop never ends: the outcome does not depend on speed
    running = "did not return within 0.05 s (it was running: `while len(layers_dims) > 3:`): look for a loop"
    print_parameters(loops_for_deeper_networks, [2, 10, 5, 1])
    assert running in capsys.readouterr().out
    with pytest.raises(AssertionError, match=re.escape(running)):
        initialize_parameters_zeros_test(loops_for_deeper_networks)
    assert "initialize_parameters_zeros([2, 10, 5, 1]) is not right yet:" in capsys.readouterr().out


def test_an_interrupt_outside_the_learners_function_quotes_no_line(monkeypatch):
    from public_tests import initializer_checks

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # lands while the kit judges, not in the learner's code

    monkeypatch.setattr(initializer_checks, "judge", interrupted)
    with pytest.raises(KeyboardInterrupt, match=r"^initialize_parameters_he_test stopped: you interrupted it\. If"):
        initialize_parameters_he_test(REFERENCE["he"])
