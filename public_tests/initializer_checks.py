"""Self-checks for the three initializers: find the mistake and say how to fix it.

The work is split in two halves so that a grader can run them in different processes:

- ``observe`` (observation.py) runs the learner's function, twice per ``layers_dims``, after
  two different seeds of numpy's global generator (neither of them 3), and records what came back;
- ``judge`` (judging.py) reads those records (plain data and numpy arrays) and returns the
  problems, from the tables of known mistakes. It runs no learner code.

``run_check`` does both for the notebook: it prints what passed or a report naming each
problem, and raises AssertionError so that the cell turns red. It never changes the
learner's arguments and leaves numpy's global random state as it found it.
"""
from contextlib import nullcontext

from .error_mistakes import is_signature_error
from .exercises import CONFIRM_CASES, EXERCISES, GRADER_CASES
from .judging import judge
from .observation import PRE_SEEDS, Call, Observation, Opaque, Raised, observe, portable, real_numpy
from .wording import from_your_code, passed, report

__all__ = ["EXERCISES", "GRADER_CASES", "PRE_SEEDS", "Call", "Observation", "Opaque", "Raised", "find_problems",
           "first_failure", "judge", "observe", "portable", "run_check"]


def first_failure(exercise, cases, observe_case, probes=(), judging=nullcontext):
    """Observe each case in turn and judge it alone, as the grader does; return (observation, problems).

    ``observe_case(layers_dims)`` returns an Observation. (None, []) when every case passes.
    With ``probes``, after a failure the remaining cases and the probes are observed too: they
    sharpen the failing case's message (see ``judge``), never its verdict. ``judging`` is the
    context each judgement runs in.
    """
    __tracebackhide__ = True
    observations = []
    for layers_dims in cases:
        observations.append(observe_case(layers_dims))
        with judging():
            problems = judge(exercise, observations[-1])
        if problems:
            break
    else:
        return None, []
    failed = observations[-1]
    if not probes:
        return failed, problems
    later = list(cases[len(observations):]) + [d for d in probes if list(d) not in map(list, cases)]
    observations += [observe_case(d) for d in later]
    with judging():
        return failed, judge(exercise, failed, observations)


def find_problems(exercise, target, cases):
    """Return (layers_dims, problems) of the first failing case, as the grader judges it, or (None, [])."""
    __tracebackhide__ = True
    observation, problems = first_failure(exercise, cases, lambda d: observe(target, d))
    return (None if observation is None else list(observation.layers_dims)), problems


def run_check(kind, target, grader_cases=False):
    """Check the learner's initializer for exercise ``kind``; print the verdict.

    ``grader_cases``: also try the deeper and wider networks the grader tries.
    """
    __tracebackhide__ = True
    exercise = EXERCISES[kind]
    if not callable(target):
        _fail(exercise, None, [f"pass the function itself, e.g. {exercise.name}_test({exercise.name}); "
                               f"got a {type(target).__name__}."])
    cases = tuple(exercise.cases) + (tuple(GRADER_CASES) if grader_cases else ())
    observation, problems = first_failure(exercise, cases, lambda d: observe(target, d, watch_numpy=True),
                                          CONFIRM_CASES, real_numpy)
    if not problems:
        print(passed(exercise, cases, grader_cases))
        return
    layers_dims = list(observation.layers_dims)
    grader_case = layers_dims not in map(list, exercise.cases)
    raised = [c for c in observation.calls if c.exception is not None]
    # The learner's exception is re-raised only when its traceback ends in the learner's own code;
    # a failed call (wrong parameters) or a replaced numpy function ends in an AssertionError instead.
    if raised and not isinstance(raised[0].exception, NotImplementedError) and raised[0].error.line and (
            not is_signature_error(raised[0].error)):
        print(report(exercise, layers_dims, problems, grader_case))
        print(from_your_code(exercise))
        raise raised[0].exception
    _fail(exercise, layers_dims, problems, grader_case)


def _fail(exercise, layers_dims, problems, grader_case=False):
    """Print the report and turn the cell red with the first problem."""
    __tracebackhide__ = True
    print(report(exercise, layers_dims, problems, grader_case))
    raise AssertionError(f"{exercise.name}: {problems[0]}")
