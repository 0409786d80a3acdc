"""A table of known mistakes: each entry finds one mistake in a set of facts and says how to fix it."""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mistake:
    """``find(facts)`` returns what shows the mistake (None or False: not this one); ``say`` is the message.

    ``say`` is a string, or a function of (facts, finding) when the message quotes what was found.
    """

    find: Callable
    say: object

    def message(self, facts, found):
        return self.say(facts, found) if callable(self.say) else self.say


def first_message(table, facts):
    """Return the message of the first mistake in ``table`` that ``facts`` show, or None."""
    for mistake in table:
        found = mistake.find(facts)
        if found is not None and found is not False:
            return mistake.message(facts, found)
    return None


def count(n, noun):
    """'1 layer', '2 layers'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def article(word):
    """'a list', 'an ndarray'."""
    vowel_sound = word[:1].lower() in "aeiou" or word.lower().startswith("nd")  # "an ndarray"
    return ("an " if vowel_sound else "a ") + word
