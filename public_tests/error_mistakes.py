"""Exceptions: what the learner's function raised, and the common mistake behind each message."""
import difflib
import re
from types import SimpleNamespace

import numpy as np

from .mistakes import first_message
from .observation import REPLACED
from .placeholder import placeholder

TEMPLATE_MESSAGES = ("replace this line with your code", "")
SIGNATURE_ERROR = re.compile(r"^[\w.<>]+\(\) (takes \d+ positional argument|takes from \d+ to \d+ positional|missing \d+ "
                             r"required (positional|keyword-only) argument|got an unexpected keyword argument|got multiple "
                             r"values for argument|takes no arguments|takes exactly)")


def is_signature_error(raised):
    """True when calling the function with one argument failed before any of its lines ran."""
    return raised.type_name == "TypeError" and not raised.line and bool(SIGNATURE_ERROR.match(raised.message))


def raised(type_name, pattern, line=None):
    """Find: a ``type_name`` exception whose message matches regex ``pattern`` (and its line, spaces removed, ``line``)."""
    return lambda f: (f.type_name == type_name and re.search(pattern, f.message, re.DOTALL) is not None
                      and (line is None or re.search(line, f.compact) is not None))


def _zeros_shape_hint(f, _):
    """Say what np.zeros((rows, columns)) the learner's line meant: a bias's shape when the second argument is 1."""
    bias = ("'1'" in f.message or re.search(r"""\[['"]b|['"]b['"]\+|f['"]b\{""", f.compact) is not None)
    weight = re.search(r"""\[['"]W|['"]W['"]\+|f['"]W\{""", f.compact) is not None
    meant = ("np.zeros((layers_dims[l], 1)) for a bias" if bias and not weight else
             "np.zeros((layers_dims[l], layers_dims[l-1])) for a weight matrix" if weight and not bias else
             "np.zeros((rows, columns)), e.g. np.zeros((layers_dims[l], 1)) for a bias")
    return (f"np.zeros takes the whole shape as one tuple, with two pairs of parentheses: {meant}. A second argument is read as "
            "the dtype.")


NUMPY_NAMES = {"numpy": "numpy is imported as np: write np.random.randn, np.zeros, np.sqrt.",
               "math": "math is not imported here: use np.sqrt, which numpy (np) already gives.",
               "sqrt": "sqrt lives in numpy: np.sqrt.", "zeros": "zeros lives in numpy: np.zeros.",
               "randn": "randn lives in numpy's random module: np.random.randn.",
               "random": "Use numpy's random module, np.random: np.random.seed(3), np.random.randn."}


def _undefined_name(f):
    if f.type_name != "NameError":
        return None
    name = re.search(r"name '(\w+)' is not defined", f.message)
    return NUMPY_NAMES.get(name.group(1) if name else "", (
        "Inside a graded function use only its parameter layers_dims and names the function itself defines (such as L); a name "
        "from elsewhere in the notebook is not there when it is graded."))


def _missing_key(f):
    key = f.message.strip("'\"")
    return key if f.type_name == "KeyError" and re.fullmatch(r"[Wb]\d+", key) else None


def _numpy_typo(f):
    """The numpy name closest to one numpy does not have ('zero': 'zeros'), or None."""
    found = re.search(r"^module 'numpy(\.random)?' has no attribute '(\w+)'", f.message)
    if f.type_name != "AttributeError" or not found:
        return None
    module, prefix = (np.random, "random.") if found.group(1) else (np, "")
    close = difflib.get_close_matches(found.group(2), [n for n in dir(module) if not n.startswith("_")], n=1)
    return prefix + close[0] if close else None


LIST_AS_SIZE = r"^'list' object cannot be interpreted as an integer"
# Read in order; the first that fits explains the exception.
ERROR_MISTAKES = (
    (lambda f: "seed(" in f.compact and f.type_name in ("TypeError", "ValueError")
     and "not callable" not in f.message,
     "np.random.seed takes a whole number from 0 to 2**32 - 1, as an int: np.random.seed(3) (not 3.0, '3' or a negative "
     "number)."),
    (raised("TypeError", "object is not callable", r"np\.random\.\w+\("),
     "A name in numpy's random module no longer holds numpy's function: an assignment such as np.random.seed = 3 replaced it for "
     "the whole notebook. Call it, np.random.seed(3), and restart the kernel to get numpy's function back."),
    (raised("TypeError", "^'tuple'.*cannot be interpreted as an integer"),
     "np.random.randn takes each size as its own argument: np.random.randn(layers_dims[l], layers_dims[l-1]), without the inner "
     "parentheses. (np.zeros is the one that takes a tuple.)"),
    (raised("TypeError", "^'list'.*cannot be interpreted as an integer", r"randn\(\["),
     "np.random.randn takes each size as its own argument, without brackets: np.random.randn(layers_dims[l], layers_dims[l-1]). "
     "(np.zeros is the one that takes the shape as one tuple.)"),
    (raised("TypeError", "as a data type|data type.*not understood|not understood.*data type"), _zeros_shape_hint),
    (raised("TypeError", "^'float' object cannot be interpreted as an integer"),
     "A size must be a whole number. The entries of layers_dims are ints; a / or np.sqrt inside a shape makes a float."),
    (raised("TypeError", LIST_AS_SIZE, r"randn\(layers_dims\)|zeros\(layers_dims\)"),
     "Pass two sizes, layers_dims[l] and layers_dims[l-1], not the whole list."),
    (raised("TypeError", LIST_AS_SIZE), "A list was given where a size belongs: give each size as its own argument, "
     "np.random.randn(layers_dims[l], layers_dims[l-1]), not the whole layers_dims and not the two sizes inside brackets."),
    (raised("TypeError", "unexpected keyword argument.*randn|randn.*unexpected keyword argument"),
     "np.random.randn takes the sizes as plain arguments: np.random.randn(layers_dims[l], layers_dims[l-1])."),
    (raised("TypeError", "can only concatenate str"), "Build each key from a string and the layer number: 'W' + str(l)."),
    (raised("TypeError", "unsupported operand.*'list'|'list'.*unsupported operand"),
     "layers_dims is a list: use one of its entries, e.g. layers_dims[l-1], not the whole list."),
    (raised("IndexError", "list index out of range"),
     "An index into layers_dims went past its end. With L = len(layers_dims), l runs over range(1, L), and layer l uses "
     "layers_dims[l] and layers_dims[l-1]."),
    (raised("ValueError", "negative dimensions"),
     "A shape has a negative size: each size must be an entry of layers_dims, not a difference."),
    (_undefined_name, lambda f, hint: hint),
    (lambda f: "==" in f.line and _missing_key(f), lambda f, key: (
        f"This line compares with ==, which reads parameters[{key!r}] before anything stored it. Store with a single =: "
        "parameters['W' + str(l)] = ...")),
    (_missing_key, lambda f, key: f"parameters has no {key!r} yet: a key exists only once a line such as parameters[{key!r}] = "
     "... has stored it."),
    (raised("AttributeError", "has no attribute '(randn|seed)'"),
     "NumPy's random module holds randn and seed: np.random.randn, np.random.seed."),
    (raised("AttributeError", "numpy\\.random' has no attribute 'zeros'"), "zeros lives in numpy itself: np.zeros."),
    (_numpy_typo, lambda f, name: f"Did you mean np.{name}?"),
    (raised("UnboundLocalError", "'np'"),
     "An import of np inside the function (such as import numpy as np) makes np local to it, so the lines before that import "
     "cannot use it. Delete that import: the notebook's first cell already imports numpy as np."),
    (raised("AttributeError", "^'dict' object has no attribute"),
     "parameters is a dict: store and read with brackets, parameters['W' + str(l)] = ..."),
)


def replaced_problem(exercise, raised):
    """Say which numpy functions were replaced, by the function or before it ran, and how to recover."""
    names = raised.message.split(", ")
    shown = " and ".join(names[:3]) + (" (and more)" if len(names) > 3 else "")
    first = names[0]
    example = ("np.random = np.random.default_rng(3)" if first == "np.random" else
               f"{first} = 3" if first == "np.random.seed" else f"{first} = ...")
    who = (f"{exercise.name} assigned to {shown}" if raised.line == "during" else
           f"{shown} {'is' if len(names) == 1 else 'are'} no longer numpy's own, already before {exercise.name} ran: an "
           "assignment")
    fix = ("Call it instead, np.random.seed(3); never assign to it" if first == "np.random.seed" else
           "Use numpy's functions by calling them; never assign to them")
    return (f"{who} (like `{example}`), which replaces numpy's function for the whole notebook, so nothing can call it any more. "
            f"{fix}. Then restart the kernel (Kernel > Restart), which brings numpy's function back, and run the notebook's "
            "cells again.")


def error_problem(exercise, call, first):
    """Explain the exception of ``call`` (``first``: the first call, else the second, after the first worked)."""
    raised = call.error
    if raised.type_name == REPLACED:
        return replaced_problem(exercise, raised)
    if is_signature_error(raised):
        return (f"{exercise.name} must take exactly one parameter, layers_dims, as in `def {exercise.name}(layers_dims):`. "
                f"Calling it with one list failed before its first line ran ({raised.message}). Keep the function's parameters "
                "as given: the self-check and the grader call it with layers_dims only.")
    when = "" if first else " on its second call (the first worked)"
    own = raised.message.strip()
    if raised.type_name == "NotImplementedError" and (own in TEMPLATE_MESSAGES
                                                      or own == placeholder(exercise.name).split('"')[1]):
        return (f"{exercise.name} is not implemented yet. Write your code between '# YOUR CODE STARTS HERE' and '# YOUR CODE "
                "ENDS HERE', run that cell, then run the self-check below it.")
    if raised.type_name == "NotImplementedError":
        return (f"{exercise.name} raised NotImplementedError{when} with your message: {own!r}. When the function is ready, "
                "remove that raise.")
    line = raised.line or ""
    hint = first_message(ERROR_MISTAKES, SimpleNamespace(type_name=raised.type_name, message=raised.message, line=line,
                                                         compact=line.replace(" ", "")))
    return (f"{exercise.name} raised {raised.type_name}{when}: {raised.message}" + (f" (at: {line})" if line else "")
            + (f". {hint}" if hint else "."))
