"""Read what training prints, so tests compare numbers within a tolerance instead of text."""
import re

COST_LINE = re.compile(r"^Cost after iteration (\d+): (\S+)$")


def cost_lines(text):
    """Return [(iteration, cost)] for every ``Cost after iteration i: <repr>`` line in text.

    Fails if a cost is not printed as the repr of a float (the course's format).
    """
    found = []
    for line in text.splitlines():
        match = COST_LINE.match(line)
        if match:
            value = float(match.group(2))
            assert repr(value) == match.group(2), f"not a float repr: {line!r}"
            found.append((int(match.group(1)), value))
    return found
