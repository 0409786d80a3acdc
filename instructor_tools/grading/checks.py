"""Judge the learner's function in the trusted parent, from what it returned in the child.

The child observes the function with ``public_tests.observation.observe``, the code the
learner's self-check runs too (twice per layers_dims, after two seeds); this module rebuilds
the Observation from its reply (protocol.py), and ``first_failure``, the self-check's own loop,
judges case by case here and stops at the first failure. Judging runs no learner code and
draws its reference weights from a private generator, so threads may judge at once.
"""
from public_tests.initializer_checks import GRADER_CASES, PRE_SEEDS, first_failure
from .protocol import ProtocolError, decode_observation
from .sandbox import SessionBroken


class LearnerError(Exception):
    """The learner's code stopped the observation (SystemExit, KeyboardInterrupt, too much data, a broken cell)."""


def observer(session, exercise):
    """Return observe_case(layers_dims) -> Observation, through ``session``'s child."""
    seeds = list(PRE_SEEDS)

    def observe_case(layers_dims):
        reply = session.request({"op": "observe", "name": exercise.name, "layers_dims": list(layers_dims),
                                 "seeds": seeds}, running=exercise.name)
        if set(reply) == {"error"} and isinstance(reply["error"], str):
            raise LearnerError(reply["error"][:1000])
        try:
            return decode_observation(reply, layers_dims, seeds)
        except ProtocolError as error:
            raise SessionBroken(f"the grading channel received a malformed reply ({error}) while running "
                                f"{exercise.name}") from None

    return observe_case


def check(session, exercise):
    """Return (layers_dims, problems) for ``exercise`` on the public and hidden cases (problems empty: passed).

    Raise LearnerError when the learner's code ends the run, SessionBroken when the child breaks.
    """
    failed, problems = first_failure(exercise, tuple(exercise.cases) + tuple(GRADER_CASES), observer(session, exercise))
    return (None if failed is None else list(failed.layers_dims)), problems
