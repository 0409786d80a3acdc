"""Self-checks: ``observe`` the learner's function, ``judge`` what it did (a grader can do each in its own process), report."""
from contextlib import nullcontext

from .error_mistakes import is_signature_error
from .exercises import CONFIRM_CASES, EXERCISES, GRADER_CASES
from .judging import judge
from init_utils.inputs import article, count
from . import limits
from .observation import PRE_SEEDS, Call, Observation, Opaque, Raised, observe, portable, real_numpy, source_file

__all__ = ["EXERCISES", "GRADER_CASES", "PRE_SEEDS", "Call", "Observation", "Opaque", "Raised", "first_failure", "judge",
           "observe", "portable", "run_check"]


def first_failure(exercise, cases, observe_case, probes=(), judging=nullcontext):
    """Observe and judge each case alone, as the grader does: (the first failing observation, its problems) or (None, [])."""
    # probes (and the remaining cases) sharpen the failure's message, never its verdict
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


def report(exercise, layers_dims, problems, grader_case=False):
    """Return the report of a failed check: where, each problem, and the rule."""
    where = exercise.name if layers_dims is None else f"{exercise.name}({layers_dims})"
    extra = " (one of the grader's extra cases)" if grader_case else ""
    return "\n".join([f"{where} is not right yet{extra}:", *(f"  - {p}" for p in problems),
                      f"Expected: {exercise.rule}."])


def passed(exercise, cases, grader_cases):
    """Return what a pass says: what it tried, and what the grader tries beyond it."""
    tried = f"{count(len(cases), 'layer shape')}, {count(len(PRE_SEEDS), 'seed')} each"
    if grader_cases:
        return f"All public checks and the grader's extra cases passed ({tried})."
    return (f"All public checks passed ({tried}); the grader also tries deeper and wider networks.\nTo try them too: "
            f"{exercise.name}_test({exercise.name}, grader_cases=True)")


def run_check(kind, target, grader_cases=False):
    """Check the learner's initializer for exercise ``kind`` and print the verdict (``grader_cases``: the grader's too)."""
    __tracebackhide__ = True
    exercise = EXERCISES[kind]
    if not callable(target):
        _fail(exercise, None, [f"pass the function itself, e.g. {exercise.name}_test({exercise.name}); got "
                               f"{article(type(target).__name__)}."])
    cases = tuple(exercise.cases) + (tuple(GRADER_CASES) if grader_cases else ())
    seconds, learner_file = limits.SECONDS, source_file(target)
    call = limits.limited(target, seconds)
    try:
        observation, problems = first_failure(exercise, cases, lambda d: observe(call, d, watch_numpy=True,
                                                                                 learner_file=learner_file),
                                              CONFIRM_CASES, real_numpy)
    except limits.TooSlow as slow:
        _fail(exercise, slow.args[0], [limits.too_slow(exercise.name, seconds, limits.running(slow, target))],
              slow.args[0] not in map(list, exercise.cases))
    except KeyboardInterrupt as interrupt:
        raise limits.stopped(f"{exercise.name}_test", exercise.name, limits.running(interrupt, target)) from None
    if not problems:
        print(passed(exercise, cases, grader_cases))
        return
    layers_dims = list(observation.layers_dims)
    grader_case = layers_dims not in map(list, exercise.cases)
    raised = next((c for c in observation.calls if c.exception is not None), None)
    # Re-raise the learner's exception only when its traceback ends in the learner's own code.
    if raised and not isinstance(raised.exception, NotImplementedError) and raised.error.line and (
            not is_signature_error(raised.error)):
        print(report(exercise, layers_dims, problems, grader_case))
        print(f"The error comes from your code: the traceback below ends at the line of {exercise.name} that failed.")
        raise raised.exception
    _fail(exercise, layers_dims, problems, grader_case)


def _fail(exercise, layers_dims, problems, grader_case=False):
    """Print the report and turn the cell red with the first problem."""
    __tracebackhide__ = True
    print(report(exercise, layers_dims, problems, grader_case))
    raise limits.shown_plainly(AssertionError(f"{exercise.name}: {problems[0]}"))
