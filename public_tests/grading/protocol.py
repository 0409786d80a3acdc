"""Read what the child sends back, trusting nothing: strict shapes, whitelisted dtypes, a size limit.

See child.py for the wire format. Every decode function raises ProtocolError on anything
unexpected; the caller then treats the child as broken.
"""
import base64
import binascii
import math
import re

import numpy as np

from .limits import MAX_ARRAY_ELEMENTS

NUMERIC_DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<f16",
                  "<c8", "<c16"}
OTHER_DTYPE = re.compile(r"^[A-Za-z0-9<>|=]{1,20}$")
MAX_KEYS = 256
MAX_NDIM = 8


class ProtocolError(Exception):
    """A reply from the child is not in the expected format."""


class Opaque:
    """Stands in for a value of a type the parent does not rebuild; only its type name is known."""

    def __repr__(self):
        return f"<{type(self).__name__}>"


class OpaqueKey:
    """Stands in for a dict key or list item that is not plain text or a number; shows the child's repr."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

    def __eq__(self, other):
        return isinstance(other, OpaqueKey) and other.text == self.text

    def __hash__(self):
        return hash(("OpaqueKey", self.text))


_OPAQUE_TYPES = {}


def opaque(type_name):
    """Return an object whose type is called ``type_name`` (an identifier of at most 60 characters)."""
    if not isinstance(type_name, str) or not type_name.isidentifier() or len(type_name) > 60:
        type_name = "object"
    if type_name not in _OPAQUE_TYPES:
        _OPAQUE_TYPES[type_name] = type(type_name, (Opaque,), {})
    return _OPAQUE_TYPES[type_name]()


def _text(value, limit=300):
    if not isinstance(value, str) or len(value) > limit:
        raise ProtocolError("expected a short text")
    return value


def decode_result(message):
    """Rebuild the learner's return value from a reply's ``result``."""
    budget = [MAX_ARRAY_ELEMENTS]
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
    return decode_value(message, budget)


def decode_key(message):
    if isinstance(message, dict) and len(message) == 1:
        (kind, value), = message.items()
        if kind == "str":
            return _text(value)
        if kind == "other":
            return OpaqueKey(_text(value))
    raise ProtocolError("a malformed dict key")


def decode_value(message, budget):
    if not isinstance(message, dict) or len(message) != 1:
        raise ProtocolError("a malformed value")
    (kind, value), = message.items()
    if kind == "none" and value is True:
        return None
    if kind == "other":
        return opaque(_text(value, 60))
    if kind == "array" and isinstance(value, dict):
        return decode_array(value, budget)
    raise ProtocolError("a malformed value")


def decode_array(message, budget):
    dtype, shape = message.get("dtype"), message.get("shape")
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(
            type(n) is int and 0 <= n <= MAX_ARRAY_ELEMENTS for n in shape):
        raise ProtocolError("an array with a malformed shape")
    count = math.prod(shape)
    budget[0] -= count
    if budget[0] < 0:
        raise ProtocolError(f"arrays of more than {MAX_ARRAY_ELEMENTS} elements in one reply")
    if set(message) == {"dtype", "shape", "data"} and dtype in NUMERIC_DTYPES:
        if not isinstance(message["data"], str):
            raise ProtocolError("array data that is not text")
        try:
            data = base64.b64decode(message["data"], validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError("array data that is not base64") from None
        kind = np.dtype(dtype)
        if len(data) != count * kind.itemsize:
            raise ProtocolError("array data of the wrong length")
        return np.frombuffer(data, dtype=kind).reshape(shape).copy()
    if set(message) == {"dtype", "shape"} and isinstance(dtype, str):
        try:
            kind = np.dtype(dtype) if OTHER_DTYPE.match(dtype) and dtype not in NUMERIC_DTYPES else np.dtype(object)
        except TypeError:
            kind = np.dtype(object)
        if kind.kind in "biufc":
            kind = np.dtype(object)
        return np.zeros(shape, dtype=kind)
    raise ProtocolError("a malformed array")


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
        elif isinstance(item, str):
            out.append(_text(item, 100))
        elif isinstance(item, dict) and set(item) == {"other"}:
            out.append(OpaqueKey(_text(item["other"], 200)))
        else:
            raise ProtocolError("a malformed argument item")
    return out


def encode_random_state(state):
    """Turn numpy's legacy global random state into JSON for the child."""
    name, keys, position, has_gauss, cached = state
    return [name, [int(k) for k in keys], int(position), int(has_gauss), float(cached)]
