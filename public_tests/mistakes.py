"""A table of known mistakes: each entry finds one mistake in a set of facts and says how to fix it."""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mistake:
    """``find(facts)`` returns what shows the mistake (anything false: not this one); ``say`` is the message.

    ``say`` is a string, or a function of (facts, finding) when the message quotes what was found.
    """

    find: Callable
    say: object

    def message(self, facts, found):
        """Return the message for ``facts``, given what ``find`` returned."""
        return self.say(facts, found) if callable(self.say) else self.say


def first_message(table, facts):
    """Return the message of the first mistake in ``table`` that ``facts`` show, or None."""
    for mistake in table:
        found = mistake.find(facts)
        if found:
            return mistake.message(facts, found)
    return None

