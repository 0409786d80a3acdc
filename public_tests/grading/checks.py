"""Run the self-checks' diagnostics in the trusted parent, on what the learner's function returned in the child.

``public_tests.initializer_checks`` calls the function it checks several times (each
case, and once more after np.random.seed(12345) when the weights look unseeded). Here it
calls a RemoteFunction instead: each call sends layers_dims and numpy's current global
random state to the child, which calls the learner's function with that state and sends
back the result and the list as the function left it. The checks, numpy and the
comparison all live in this process, out of the learner's reach.

The checks use numpy's global random state, so one lock serialises them within a
process; it is released while waiting for the child, so slow learner code does not
hold up other submissions graded in other threads.
"""
import threading

import numpy as np

from ..initializer_checks import GRADER_CASES, find_problems
from .protocol import ProtocolError, decode_argument, decode_result, encode_random_state
from .sandbox import SessionBroken

_NUMPY_STATE = threading.Lock()


class LearnerError(BaseException):
    """The learner's code raised (or the child said so). A BaseException, so the checks never catch it."""


class ChildLost(BaseException):
    """The child broke (crash, timeout, bad reply); carries the SessionBroken message."""


class RemoteFunction:
    """Callable stand-in for the learner's function ``name`` that lives in the child of ``session``."""

    def __init__(self, session, name):
        self.session, self.name = session, name

    def __call__(self, argument):
        request = {"op": "call", "name": self.name, "layers_dims": _plain(argument),
                   "random_state": encode_random_state(np.random.get_state())}
        _NUMPY_STATE.release()
        try:
            reply = self.session.request(request, running=self.name)
        except SessionBroken as broken:
            raise ChildLost(str(broken)) from None
        finally:
            _NUMPY_STATE.acquire()
        try:
            if reply.get("not_implemented") is True and len(reply) == 1:
                raise NotImplementedError(self.name)
            if set(reply) == {"error"} and isinstance(reply["error"], str):
                raise LearnerError(reply["error"][:1000])
            if set(reply) != {"result", "argument"}:
                raise ProtocolError("a reply with unexpected fields")
            result = decode_result(reply["result"])
            left = decode_argument(reply["argument"])
        except ProtocolError as error:
            raise ChildLost(f"the grading channel received a malformed reply ({error}) while running {self.name}") from None
        if left != argument:
            argument[:] = left
        return result


def _plain(argument):
    return [int(n) for n in argument]


def check(session, exercise):
    """Return (layers_dims, problems) for ``exercise`` on the public and hidden cases (problems empty: passed).

    Raise LearnerError or ChildLost when the learner's code fails or the child breaks.
    """
    target = RemoteFunction(session, exercise.name)
    with _NUMPY_STATE:
        return find_problems(exercise, target, exercise.cases + GRADER_CASES)
