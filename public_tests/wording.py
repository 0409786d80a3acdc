"""What the notebook's self-check prints: its report of a problem, and what a pass covered."""
from .observation import PRE_SEEDS


def count(n, noun):
    """'1 layer', '2 layers'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def article(word):
    """'a list', 'an ndarray'."""
    vowel_sound = word[:1].lower() in "aeiou" or word.lower().startswith("nd")  # "an ndarray"
    return ("an " if vowel_sound else "a ") + word


def report(exercise, layers_dims, problems, grader_case=False):
    """Return the report of a failed check: where, each problem, and the rule."""
    where = f"{exercise.name}({layers_dims})" if layers_dims is not None else exercise.name
    extra = " (one of the grader's extra cases)" if grader_case else ""
    lines = [f"{where} is not right yet{extra}:"] + [f"  - {p}" for p in problems]
    lines.append(f"Expected: {exercise.rule}.")
    return "\n".join(lines)


def passed(exercise, cases, grader_cases):
    """Return what a passed check says: what it tried, and what the grader tries beyond it."""
    tried = f"{count(len(cases), 'layer shape')}, {count(len(PRE_SEEDS), 'seed')} each"
    if grader_cases:
        return f"All public checks and the grader's extra cases passed ({tried})."
    return (f"All public checks passed ({tried}); the grader also tries deeper and wider networks.\n"
            f"To try them too: {exercise.name}_test({exercise.name}, grader_cases=True)")


def from_your_code(exercise):
    """Return the line printed before the learner's own exception is raised again."""
    return f"The error comes from your code: the traceback below ends at the line of {exercise.name} that failed."
