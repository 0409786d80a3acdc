"""Readable reports: text for a terminal, in which nothing a submission wrote can act as a control sequence."""


def terminal_safe(text):
    """Return ``text`` with every character that is not printable shown as an escape (``\\x1b``, ``\\n``, ``\\u202e``).

    ESC, CR, BEL, newlines and the other controls a submission can put in an exception message would
    otherwise move the cursor, rewrite earlier lines, set the clipboard (OSC 52) or start a new
    report line; shown escaped, they are only text.
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char):
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def not_isolated(verdict):
    """Return True if the learner code of ``verdict`` ran (or would have run) without isolation."""
    return (verdict.get("isolation") or "").startswith("NOT ISOLATED")


def report(verdict, lenient=False):
    """Return the readable report of a verdict: one line per exercise, the total, the rules broken and the notes."""
    lines = [f"Initialization grader: {terminal_safe(verdict['submission'])}"]
    if not_isolated(verdict):
        lines.append(terminal_safe(verdict["isolation"]))
    if verdict["error"]:
        lines.append(f"Problem: {terminal_safe(verdict['error'])}")
    for exercise in verdict["exercises"]:
        lines.append(f"  {terminal_safe(exercise['name']):<30} {exercise['score']:g}/{exercise['max_score']:g}  "
                     f"{terminal_safe(exercise['feedback'])}")
    lines.append(f"Total: {verdict['score']:g}/{verdict['max_score']:g}")
    if verdict["violations"]:
        lines += ["", "Warnings (--lenient: graded anyway):" if lenient else "Rules broken:"]
        lines += [_finding(v) for v in verdict["violations"]]
    if verdict.get("notes"):
        lines += ["", "Notes (cost nothing):"]
        lines += [_finding(v) for v in verdict["notes"]]
    return "\n".join(lines)


def _finding(violation):
    where = [f"cell {violation['cell']}" if violation["cell"] else None,
             f"line {violation['line']}" if violation["line"] else None, violation["exercise"]]
    place = ", ".join(w for w in where if w)
    return terminal_safe(f"  [{violation['rule']}] {place + ': ' if place else ''}{violation['message']}")


def batch_line(name, verdict):
    """Return the progress line a batch prints when ``verdict`` (of the submission ``name``) is ready."""
    error = f"  ({verdict['error']})" if verdict["error"] else ""
    return terminal_safe(f"{verdict['score']:g}/{verdict['max_score']:g}  {name}{error}")
