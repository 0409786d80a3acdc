"""Readable reports: text for a terminal, in which nothing a submission wrote can act as a control sequence."""

GRADER_ERROR = "grader error"  # how the grader's own failures read; only the verdict's grader_failed decides


def terminal_safe(text):
    """Return ``text`` with every unprintable character escaped, so no control sequence a submission wrote acts."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def not_isolated(verdict):
    """Return True if the learner code of ``verdict`` ran (or would have run) without isolation."""
    return (verdict.get("isolation") or "").startswith("NOT ISOLATED")


def grader_failed(verdict):
    """Return True if the grader itself failed on ``verdict`` (a bug, or a session that broke before any learner
    code ran): its scores say nothing of the learner, so a batch writes no row for it and a rerun grades it again.

    Only the verdict's ``grader_failed`` field says so, never its error text: that starts with the file's name,
    which the learner chose."""
    return verdict.get("grader_failed") is True


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
    for title, findings in [("Warnings (--lenient: graded anyway):" if lenient else "Rules broken:", verdict["violations"]),
                            ("Notes (cost nothing):", verdict.get("notes"))]:
        if findings:
            lines += ["", title, *map(_finding, findings)]
    return "\n".join(lines)


def place(cell, line, exercise=None):
    """Return where a finding is, "cell 3, line 2[, exercise]", leaving out what is not known."""
    return ", ".join(part for part in (cell and f"cell {cell}", line and f"line {line}", exercise) if part)


def _finding(violation):
    where = place(violation["cell"], violation["line"], violation["exercise"])
    return terminal_safe(f"  [{violation['rule']}] {where + ': ' if where else ''}{violation['message']}")


def batch_line(name, verdict):
    """Return the progress line a batch prints when ``verdict`` (of the submission ``name``) is ready."""
    error = f"  ({verdict['error']})" if verdict["error"] else ""
    if grader_failed(verdict):
        return terminal_safe(f"no row  {name}{error}")
    return terminal_safe(f"{verdict['score']:g}/{verdict['max_score']:g}  {name}{error}")
