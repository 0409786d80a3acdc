"""How a table of mistakes is read."""


def first_message(table, facts):
    """Return the message of the first (find, say) entry whose ``find(facts)`` finds something, else None."""
    # say: the message; or say(facts, found) when it quotes what was found; or None when found is the message
    for find, say in table:
        found = find(facts)
        if found:
            return found if say is None else say(facts, found) if callable(say) else say
    return None
