"""The wire between child and parent: what the child encodes, and the parent's strict reading of it."""
import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from instructor_tools.grading import child
from instructor_tools.grading.protocol import (CHILD_LIMITS, ProtocolError, decode_observation,
                                               decode_result, parse_reply)
from public_tests import observation as loaded
from public_tests.initializer_checks import EXERCISES, judge, observe
from public_tests.observation import Call, Observation, Opaque, Shown, plain_argument, portable
from reference import REFERENCE

SEEDS = [101, 7919]


def wire(value):
    """Encode as the child does, through real JSON."""
    return json.loads(json.dumps(child.encode_result(value, loaded, [10 ** 9], CHILD_LIMITS)))


def record(result, error=None, argument=(2, 1)):
    return {"pre_seed": 101, "result": wire(result) if error is None else {"none": True}, "error": error,
            "argument_after": child.encode_argument(plain_argument(argument))}


def test_results_come_back_as_initializer_checks_portable_makes_them():
    class Sub(np.ndarray):
        pass

    result = {"W1": np.arange(6.0).reshape(2, 3), "b1": np.zeros((2, 1), dtype=np.float32), 3: None,
              "big": np.arange(3, dtype=">i4"), "sub": np.zeros(2).view(Sub), "list": [1, 2], "text": np.array(["a"]),
              (1, 2): "tuple key"}
    ours = decode_result(wire(result), [10 ** 6])
    theirs = portable(Observation((2, 1), (Call(101, result),))).calls[0].result
    assert list(ours) == list(theirs)
    for key in theirs:
        a, b = ours[key], theirs[key]
        if isinstance(b, np.ndarray):
            assert type(a) is np.ndarray and a.shape == b.shape and a.dtype.kind == b.dtype.kind
            if b.dtype.kind in "biuf":
                assert np.array_equal(a, b) and a.dtype == b.dtype.newbyteorder("=")
        else:
            assert a == b


@pytest.mark.parametrize("value", [None, [1, 2], np.float64(1.0), "text"])
def test_non_dict_results_become_none_or_a_named_stand_in(value):
    decoded = decode_result(wire(value), [10 ** 6])
    assert decoded is None if value is None else decoded == Opaque.of(value)


BAD = {
    "unknown field": {"calls": [dict(record({}), extra=1)]},
    "out of order": {"calls": [dict(record({}), pre_seed=7919)]},
    "call after an exception": {"calls": [record(None, {"type_name": "E", "message": "m", "line": None}), record({})]},
    "too many calls": {"calls": [record({})] * 3},
    "no calls": {"calls": []},
    "fewer calls than seeds, none raised": {"calls": [record({})]},
    "not a list": {"calls": "passed"},
    "extra top-level field": {"calls": [record({})], "passed": True},
    "bad dtype": {"calls": [dict(record({}), result={"dict": [[{"str": "W1"}, {"array": {
        "dtype": "<f8x", "shape": [1], "data": "AAAAAAAAAAA="}}]]})]},
    "short data": {"calls": [dict(record({}), result={"dict": [[{"str": "W1"}, {"array": {
        "dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}}]]})]},
    "negative shape": {"calls": [dict(record({}), result={"dict": [[{"str": "W1"}, {"array": {
        "dtype": "<f8", "shape": [-1], "data": ""}}]]})]},
    "too many elements": {"calls": [dict(record({}), result={"dict": [[{"str": "W1"}, {"array": {
        "dtype": "|b1", "shape": [2000, 1000], "data": ""}}]]})]},
    "not base64": {"calls": [dict(record({}), result={"dict": [[{"str": "W1"}, {"array": {
        "dtype": "<f8", "shape": [1], "data": "!!!!!!!!!!!="}}]]})]},
    "object in argument": {"calls": [dict(record({}), argument_after=[{"__class__": "x"}])]},
    "bool stand-in flag": {"calls": [dict(record({}), result={"opaque": {"type_name": "x", "module": "m",
                                                                          "ndarray_subclass": "yes"}})]},
    "huge message": {"calls": [record(None, {"type_name": "E", "message": "m" * 5000, "line": None})]},
}


@pytest.mark.parametrize("reply", BAD.values(), ids=list(BAD))
def test_anything_unexpected_is_a_protocol_error(reply):
    with pytest.raises(ProtocolError):
        decode_observation(json.loads(json.dumps(reply)), [2, 1], SEEDS)


@pytest.mark.parametrize("line", [
    b'{"calls": [], "calls": [{"pre_seed": 101}]}',
    b'{"calls": [{"pre_seed": 101, "result": {"none": true}, "result": {"dict": []}}]}',
], ids=["top level", "nested"])
def test_a_repeated_key_is_refused_not_read_as_the_last_one(line):
    with pytest.raises(ProtocolError, match="a reply with a repeated key"):
        parse_reply(line)


@pytest.mark.parametrize("line", [b"[1, 2]", b"{}", b"\xff{}", b"not json", b"[" * 100_000])
def test_anything_but_a_json_object_is_not_a_reply(line):
    with pytest.raises(ProtocolError):
        parse_reply(line)


def test_a_good_reply_becomes_an_observation():
    reply = {"calls": [record({"W1": np.ones((1, 2))}, argument=[2, 1, "x"]),
                       dict(record(None, {"type_name": "ValueError", "message": "no", "line": "raise"}), pre_seed=7919)]}
    observation = decode_observation(json.loads(json.dumps(reply)), [2, 1], SEEDS)
    first, second = observation.calls
    assert observation.layers_dims == (2, 1) and first.argument_after == [2, 1, Shown("'x'")]
    assert np.array_equal(first.result["W1"], np.ones((1, 2))) and second.error.type_name == "ValueError"


def test_the_child_refuses_to_send_more_than_the_limit():
    with pytest.raises(child.TooLarge):
        child.encode_result({f"W{i}": np.zeros((100, 100)) for i in range(200)}, loaded, [8 * 1024 ** 2], CHILD_LIMITS)
    with pytest.raises(child.TooLarge):
        child.encode_result({f"k{i}": None for i in range(300)}, loaded, [10 ** 9], CHILD_LIMITS)


def test_str_and_integer_subclass_keys_are_sent_as_the_self_check_reads_them():
    result = {np.str_("W1"): np.ones((1, 2)), np.int64(3): None, True: None}
    ours = decode_result(wire(result), [10 ** 6])
    theirs = portable(Observation((2, 1), (Call(101, result),))).calls[0].result
    assert list(ours) == list(theirs) == ["W1", 3, Opaque("bool")]
    assert type(list(ours)[0]) is str and np.array_equal(ours["W1"], theirs["W1"])


def test_arrays_out_of_the_data_format_come_back_with_their_dtype_and_shape_only():
    result = {"W1": np.zeros((1,) * 9), "b1": np.zeros((0, 2_000_000)), "W2": np.zeros((300, 400), dtype=np.float32)}
    message = wire(result)
    sent = {key["str"]: value["array"] for key, value in message["dict"]}
    assert "data" not in sent["W1"] and "data" not in sent["W2"] and sent["b1"]["data"] == ""  # b1 has no entries
    ours = decode_result(message, [10 ** 6])
    assert [(a.shape, a.dtype) for a in ours.values()] == [((1,) * 9, np.float64), ((0, 2_000_000), np.float64),
                                                           ((300, 400), np.float32)]
    assert all(a.nbytes == 0 or a.strides == (0,) * a.ndim for a in ours.values())  # no memory behind them


def test_every_right_answer_fits_the_data_format():
    from instructor_tools.grading.limits import MAX_DATA_ELEMENTS
    from public_tests.initializer_checks import EXERCISES, GRADER_CASES

    cases = [c for e in EXERCISES.values() for c in e.cases] + list(GRADER_CASES)
    assert max(a * b for case in cases for a, b in zip(case[1:], case[:-1])) <= MAX_DATA_ELEMENTS


def graded_verdict(exercise, learner, layers_dims):
    """Judge ``learner`` on ``layers_dims`` as the grader does: observed by the child, sent as JSON, decoded, judged."""
    reply = child.observe_reply(learner, layers_dims, SEEDS, loaded, CHILD_LIMITS)
    return judge(exercise, decode_observation(json.loads(json.dumps(reply)), layers_dims, SEEDS))


@pytest.mark.parametrize("item", [np.array, Fraction, Decimal, np.int64], ids=["0-d array", "Fraction", "Decimal", "np.int64"])
def test_a_number_of_another_type_written_into_layers_dims_gets_one_verdict_from_the_self_check_and_the_grader(item):
    def initialize_parameters_he(layers_dims):
        for l in range(1, len(layers_dims)):
            layers_dims[l] = item(layers_dims[l])
        return REFERENCE["he"]([int(n) for n in layers_dims])

    exercise = EXERCISES["he"]
    ours = judge(exercise, observe(initialize_parameters_he, [2, 4, 1], SEEDS))
    assert ours == graded_verdict(exercise, initialize_parameters_he, [2, 4, 1])
    assert ours == [] if item is np.int64 else "changed the layers_dims list it was given (now [2, " in ours[0]
