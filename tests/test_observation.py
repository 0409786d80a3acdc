"""The one observation the self-check and the grading child share: what it calls, records and restores."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from learners import cell, numpy_restored, retyped
from reference import REFERENCE


def test_every_case_calls_the_function_twice_after_foreign_seeds():
    from public_tests.observation import PRE_SEEDS, observe

    seen = []

    def spy(d):
        seen.append(np.random.get_state()[1][:4].copy())
        return REFERENCE["he"](d)

    observation = observe(spy, [2, 4, 1], watch_numpy=True)
    assert len(observation.calls) == 2 and 3 not in PRE_SEEDS and len(set(PRE_SEEDS)) == 2
    for state, seed in zip(seen, PRE_SEEDS):
        assert np.array_equal(state, np.random.RandomState(seed).get_state()[1][:4])


def test_portable_keys_stay_strings_when_they_subclass_str():
    from public_tests.initializer_checks import EXERCISES, judge, observe, portable

    learner = lambda d: {np.str_(k): v for k, v in REFERENCE["he"](d).items()}  # noqa: E731
    observation = portable(observe(learner, [2, 4, 1], watch_numpy=True))
    assert all(type(k) is str for k in observation.calls[0].result) and judge(EXERCISES["he"], observation) == []



class LyingKey(str):
    """A str whose hash changes on every call, as hostile code might return."""
    calls = 0

    def __hash__(self):
        LyingKey.calls += 1
        return LyingKey.calls

    def __str__(self):
        return "not " + str.__str__(self)


@pytest.mark.parametrize("grader_cases", [False, True])
def test_a_key_whose_hash_lies_is_judged_as_the_plain_str_the_grader_sees(grader_cases, capsys):
    from public_tests import initialize_parameters_he_test
    from public_tests.initializer_checks import EXERCISES, judge, observe, portable

    learner = lambda d: {LyingKey(k): v for k, v in REFERENCE["he"](d).items()}  # noqa: E731
    initialize_parameters_he_test(learner, grader_cases=grader_cases)  # no KeyError from inside the check
    assert "All public checks" in capsys.readouterr().out
    observation = portable(observe(learner, [2, 4, 1], watch_numpy=True))
    assert sorted(observation.calls[0].result) == ["W1", "W2", "b1", "b2"] and judge(EXERCISES["he"], observation) == []

def test_portable_observation_holds_only_plain_types():
    from public_tests.initializer_checks import Opaque, observe, portable

    learner = retyped("he", np.ma.masked_array)
    data = portable(observe(learner, [2, 4, 1], watch_numpy=True))
    for call in data.calls:
        assert call.exception is None
        assert all(type(v) in (np.ndarray, Opaque) for v in call.result.values())
        assert (call.result["W1"].type_name, call.result["W1"].ndarray_subclass) == ("MaskedArray", True)


def test_the_module_loads_by_its_path_with_only_numpy_and_the_standard_library(tmp_path):
    """The grading child loads it this way inside the sandbox, where public_tests is not a package."""
    path = Path(__file__).parents[1] / "public_tests" / "observation.py"
    script = (
        "import importlib.util, sys, types\n"
        "sys.modules['public_tests'] = types.ModuleType('public_tests')  # as the grading child stubs it\n"
        f"spec = importlib.util.spec_from_file_location('observation', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "import numpy as np\n"
        "def f(d):\n"
        "    np.random.seed(3)\n"
        "    return {'W1': np.random.randn(d[1], d[0])}\n"
        "observation = module.observe(f, [2, 3])\n"
        "ours = sorted(m for m in sys.modules if m.split('.')[0] in ('init_utils', 'instructor_tools', 'public_tests'))\n"
        "print(len(observation.calls), observation.calls[0].result['W1'].shape, ours, sep='|')\n")
    done = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    count, shape, modules = done.stdout.strip().split("|")
    assert (count, shape) == ("2", "(3, 2)")
    assert modules == "['public_tests']", modules  # only the stub: nothing of the project was imported


def test_keep_and_learner_file_let_the_child_encode_and_quote_its_own_cell():
    from public_tests.observation import observe

    source = "def f(layers_dims):\n    return layers_dims[9]\n"
    learner = cell(source)
    observation = observe(learner, [2, 1], keep=lambda result: ("kept", result), learner_file="<elsewhere>")
    assert observation.calls[0].error.line == "return layers_dims[9]"  # no frame in <elsewhere>: outside numpy
    right = observe(REFERENCE["zeros"], [2, 1], keep=lambda result: ("kept", sorted(result)))
    assert [call.result for call in right.calls] == [("kept", ["W1", "b1"])] * 2


def test_whatever_keep_raises_propagates_and_the_generator_is_restored():
    from public_tests.observation import observe

    class TooLarge(Exception):
        pass

    def refuse(result):
        raise TooLarge()

    np.random.seed(5)
    with pytest.raises(TooLarge):
        observe(REFERENCE["he"], [2, 4, 1], keep=refuse)
    assert np.random.randn() == np.random.RandomState(5).randn()


def test_a_replaced_numpy_function_is_recorded_only_when_watched():
    from public_tests.observation import REPLACED, observe

    with numpy_restored():
        np.random.seed = 3  # an earlier cell did this
        watched = observe(REFERENCE["zeros"], [2, 1], watch_numpy=True)
        unwatched = observe(REFERENCE["zeros"], [2, 1])  # the grading child: zeros draws nothing, so it passes
    assert len(watched.calls) == 1 and watched.calls[0].error.type_name == REPLACED
    assert watched.calls[0].error.message == "np.random.seed" and watched.calls[0].error.line is None
    assert [call.error for call in unwatched.calls] == [None, None]



@pytest.mark.parametrize("moment", ["while numpy's own functions are put in place", "while the learner's are put back"])
def test_an_interrupt_while_numpy_functions_are_swapped_still_puts_back_every_function_the_learner_replaced(
        monkeypatch, moment):
    import builtins

    from public_tests import observation

    swapped = len(observation.REAL) + len(observation.REAL_NUMPY)
    nth, calls = (3 if moment.startswith("while numpy") else swapped + 3), []

    def interrupted(owner, name, value):
        calls.append(name)
        if len(calls) == nth:
            raise KeyboardInterrupt  # Kernel > Interrupt, landing just before this setattr
        builtins.setattr(owner, name, value)

    def learners_seed(seed):
        pass

    def learners_zeros(shape):
        pass

    with numpy_restored():
        np.random.seed, np.zeros = learners_seed, learners_zeros  # an earlier cell did this
        monkeypatch.setattr(observation, "setattr", interrupted, raising=False)
        with pytest.raises(KeyboardInterrupt):
            with observation.real_numpy():
                assert np.random.seed is observation.REAL["seed"]
        monkeypatch.undo()
        assert (np.random.seed, np.zeros) == (learners_seed, learners_zeros)


def test_a_returned_view_larger_than_memory_is_judged_by_its_shape_not_copied():
    from public_tests.initializer_checks import EXERCISES, judge, observe

    def learner(d):
        return {"W1": np.broadcast_to(0.0, (2_000_000, 3_000_000)), "b1": np.zeros((d[1], 1))}  # 48 TB if copied

    problems = judge(EXERCISES["zeros"], observe(learner, [3, 2], watch_numpy=True))
    assert problems[0].startswith("W1 has shape (2000000, 3000000); it must be (2, 3).")
