"""How a table of mistakes is read, and the words its messages share."""


def first_message(table, facts):
    """Return the message of the first (find, say) entry whose ``find(facts)`` finds something, else None."""
    # say: the message; or say(facts, found) when it quotes what was found; or None when found is the message
    for find, say in table:
        found = find(facts)
        if found:
            return found if say is None else say(facts, found) if callable(say) else say
    return None


def count(n, noun):
    """'1 layer', '2 layers'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def article(word):
    """'a list', 'an int', 'an ndarray'."""
    vowel_sound = word[:1].lower() in "aeiou" or word.lower().startswith("nd")
    return ("an " if vowel_sound else "a ") + word
