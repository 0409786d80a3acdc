"""Judge the learner's function in the trusted parent, from what it returned in the child.

The child observes the function with ``public_tests.observation.observe``, the code the
learner's self-check runs too (twice per layers_dims, after two seeds); this module rebuilds
the Observation from its reply (protocol.py) and runs ``judge`` here, case by case,
stopping at the first failure exactly as the self-check does in the notebook.

``judge`` draws reference weights from numpy's global generator (saving and restoring
its state), so one lock serialises judging within a process: threads of a batch, or of
a cluster worker, cannot interleave their draws.
"""
import threading

from public_tests.initializer_checks import GRADER_CASES, PRE_SEEDS, judge
from .protocol import ProtocolError, decode_observation
from .sandbox import SessionBroken

_NUMPY_STATE = threading.Lock()


class LearnerError(Exception):
    """The learner's code stopped the observation (SystemExit, KeyboardInterrupt, too much data, a broken cell)."""


def check(session, exercise):
    """Return (layers_dims, problems) for ``exercise`` on the public and hidden cases (problems empty: passed).

    Raise LearnerError when the learner's code ends the run, SessionBroken when the child breaks.
    """
    seeds = list(PRE_SEEDS)
    for layers_dims in tuple(exercise.cases) + tuple(GRADER_CASES):
        reply = session.request({"op": "observe", "name": exercise.name, "layers_dims": list(layers_dims),
                                 "seeds": seeds}, running=exercise.name)
        if set(reply) == {"error"} and isinstance(reply["error"], str):
            raise LearnerError(reply["error"][:1000])
        try:
            observation = decode_observation(reply, layers_dims, seeds)
        except ProtocolError as error:
            raise SessionBroken(f"the grading channel received a malformed reply ({error}) while running "
                                f"{exercise.name}") from None
        with _NUMPY_STATE:
            problems = judge(exercise, observation)
        if problems:
            return list(layers_dims), problems
    return None, []
