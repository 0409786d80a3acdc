"""Read what the child sends back (format: child.py), trusting nothing; anything unexpected raises ProtocolError."""
import base64
import binascii
import json
import math
import re

import numpy as np

from public_tests.observation import MAX_MESSAGE, Call, Observation, Opaque, Raised, Shown
from .limits import MAX_ARRAY_ELEMENTS, MAX_DATA_ELEMENTS, MAX_KEYS, MAX_NDIM, MAX_REPLY_BYTES

# What the child is told in its "start" request: it encodes within these, the parent checks them.
CHILD_LIMITS = {"max_keys": MAX_KEYS, "max_data_elements": MAX_DATA_ELEMENTS, "max_ndim": MAX_NDIM,
                "max_reply_bytes": MAX_REPLY_BYTES}
NUMERIC_DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<f16",
                  "<c8", "<c16"}
OTHER_DTYPE = re.compile(r"^[A-Za-z0-9<>|=]{1,20}$")


class ProtocolError(Exception):
    """A reply from the child is not in the expected format."""


def _text(value, limit=300):
    if not isinstance(value, str) or len(value) > limit:
        raise ProtocolError("expected a short text")
    return value


def _unique_keys(pairs):
    if len({key for key, _ in pairs}) != len(pairs):
        raise ProtocolError("a reply with a repeated key")
    return dict(pairs)


def parse_reply(line):
    """Return the reply dict in one line from the child; raise ProtocolError if it is anything else."""
    try:
        reply = json.loads(line.decode("ascii"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("data that is not a reply (something wrote to the grader's pipe)") from None
    if not isinstance(reply, dict) or not reply:
        raise ProtocolError("a malformed reply")
    return reply


def decode_observation(reply, layers_dims, seeds):
    """Rebuild observation.Observation from an "observe" reply: one call per seed, unless a call raised."""
    calls = reply.get("calls") if set(reply) == {"calls"} else None
    if not isinstance(calls, list) or not 1 <= len(calls) <= len(seeds):
        raise ProtocolError("a reply without a list of calls")
    if len(calls) < len(seeds) and (not isinstance(calls[-1], dict) or calls[-1].get("error") is None):
        raise ProtocolError("fewer calls than seeds, and none of them raised")
    budget, out = [MAX_ARRAY_ELEMENTS], []
    for index, call in enumerate(calls):
        if not isinstance(call, dict) or set(call) != {"pre_seed", "result", "error", "argument_after"}:
            raise ProtocolError("a malformed call record")
        if call["pre_seed"] != seeds[index] or type(call["pre_seed"]) is not int:
            raise ProtocolError("calls out of order")
        error = None if call["error"] is None else decode_raised(call["error"])
        if error is not None and index != len(calls) - 1:
            raise ProtocolError("a call recorded after an exception")
        out.append(Call(seeds[index], decode_result(call["result"], budget), error,
                        decode_argument(call["argument_after"])))
    return Observation(tuple(layers_dims), tuple(out))


def decode_raised(message):
    if not isinstance(message, dict) or set(message) != {"type_name", "message", "line"}:
        raise ProtocolError("a malformed exception record")
    line = message["line"]
    return Raised(_text(message["type_name"], 100), _text(message["message"], MAX_MESSAGE),
                  None if line is None else _text(line, 500))


def decode_result(message, budget):
    """Rebuild the learner's return value as observation.portable leaves it."""
    if isinstance(message, dict) and set(message) == {"dict"}:
        items = message["dict"]
        if not isinstance(items, list) or len(items) > MAX_KEYS:
            raise ProtocolError("a dict with too many keys")
        out = {}
        for item in items:
            if not isinstance(item, list) or len(item) != 2:
                raise ProtocolError("a malformed dict item")
            out[decode_key(item[0])] = decode_value(item[1], budget)
        return out
    return None if message == {"none": True} else decode_opaque(message)


def decode_opaque(message):
    if isinstance(message, dict) and set(message) == {"opaque"} and isinstance(message["opaque"], dict):
        fields = message["opaque"]
        if set(fields) == {"type_name", "module", "ndarray_subclass"} and isinstance(fields["ndarray_subclass"], bool):
            return Opaque(_text(fields["type_name"], 100), _text(fields["module"], 100), fields["ndarray_subclass"])
    raise ProtocolError("a malformed stand-in")


def decode_key(message):
    if isinstance(message, dict) and len(message) == 1:
        (kind, value), = message.items()
        if kind == "str":
            return _text(value, 200)
        if kind == "int" and type(value) is int:
            return value
        if kind == "opaque":
            return decode_opaque(message)
    raise ProtocolError("a malformed dict key")


def decode_value(message, budget):
    if message == {"none": True}:
        return None
    if isinstance(message, dict) and set(message) == {"array"} and isinstance(message["array"], dict):
        return decode_array(message["array"], budget)
    return decode_opaque(message)


def decode_array(message, budget):
    """Rebuild an array from its data, or a stand-in (no memory, judged by dtype and shape) from its dtype and shape."""
    dtype, shape = message.get("dtype"), message.get("shape")
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(
            type(n) is int and 0 <= n < 2 ** 62 for n in shape) or math.prod(shape) >= 2 ** 62:
        raise ProtocolError("an array with a malformed shape")
    count, sendable = math.prod(shape), len(shape) <= 2 and math.prod(shape) <= MAX_DATA_ELEMENTS
    if set(message) == {"dtype", "shape", "data"} and dtype in NUMERIC_DTYPES:
        if not sendable:
            raise ProtocolError("array data of an array that should have come as a stand-in")
        budget[0] -= count
        if budget[0] < 0:
            raise ProtocolError(f"arrays of more than {MAX_ARRAY_ELEMENTS} elements in one reply")
        if not isinstance(message["data"], str):
            raise ProtocolError("array data that is not text")
        try:
            data = base64.b64decode(message["data"], validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError("array data that is not base64") from None
        if len(data) != count * np.dtype(dtype).itemsize:
            raise ProtocolError("array data of the wrong length")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    if set(message) != {"dtype", "shape"} or not isinstance(dtype, str):
        raise ProtocolError("a malformed array")
    if dtype in NUMERIC_DTYPES and sendable:
        raise ProtocolError("a numeric array without its data")
    try:
        kind = np.dtype(dtype) if OTHER_DTYPE.match(dtype) else np.dtype(object)
    except TypeError:
        kind = np.dtype(object)
    if dtype not in NUMERIC_DTYPES and (kind.kind in "biufc" or kind.itemsize > 64):
        kind = np.dtype(object)
    try:  # read-only, and every entry is one shared zero: no memory behind it
        return np.lib.stride_tricks.as_strided(np.zeros(1, dtype=kind), shape=tuple(shape), strides=(0,) * len(shape),
                                               writeable=False)
    except (ValueError, TypeError, MemoryError):
        raise ProtocolError("an array shape numpy cannot hold") from None


def decode_argument(message):
    """Rebuild the layers_dims list as the learner's function left it."""
    if not isinstance(message, list) or len(message) > 101:
        raise ProtocolError("a malformed argument list")
    out = []
    for item in message:
        if isinstance(item, bool) or item is None:
            raise ProtocolError("a malformed argument item")
        if isinstance(item, (int, float)):
            out.append(item)
        elif isinstance(item, dict) and set(item) == {"other"}:
            out.append(Shown(_text(item["other"], 200)))
        else:
            raise ProtocolError("a malformed argument item")
    return out
