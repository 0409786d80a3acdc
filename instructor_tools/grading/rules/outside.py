"""edited-outside-answer: the code of a cell outside its answer regions must stay the template's, token for token."""
from ...answer_regions import ENDS, STARTS, regions
from ..code_compare import code_tokens, fallback_lines, first_difference
from .model import Violation


def outside_code(source, template_source=None):
    """Return (text outside the answer regions, [original line number of each of its lines], extra regions).

    With ``template_source`` and more regions than it has, only the template's regions count: each is
    matched, in order, with the submission's region that follows the same line of code; any other region
    (markers a learner added) is returned in ``extra`` and its lines stay outside code.
    """
    lines = source.split("\n")
    keep = [True] * len(lines)
    found = regions(source)
    extra = []
    if template_source is not None and len(found) > len(regions(template_source)):
        wanted = [_anchor(template_source.split("\n"), r) for r in regions(template_source)]
        kept, position = [], 0
        for region in found:
            if position < len(wanted) and _anchor(lines, region) == wanted[position]:
                kept.append(region)
                position += 1
            else:
                extra.append(region)
        found = kept
    for region in found:
        for number in range(region.start, region.end):
            keep[number] = False
    numbers = [n + 1 for n in range(len(lines)) if keep[n]]
    return "\n".join(lines[n - 1] for n in numbers), numbers, extra


def _anchor(lines, region):
    """Return the code line just before a region's STARTS marker (blank and comment lines skipped), stripped."""
    for number in range(region.start - 2, -1, -1):
        code = lines[number].strip()
        if code and not code.startswith("#"):
            return " ".join(code.split())
    return ""


def outside_violations(name, template_source, found, notes):
    """Compare the code outside the answer regions with the template's, token by token."""
    try:
        ours, our_lines, extra = outside_code(found.source, template_source)
    except ValueError as error:
        return [Violation("edited-outside-answer", name, found.cell, None,
                          f"the answer markers are broken ({error}); put back '{STARTS}' and '{ENDS}' as they were.")]
    theirs, _, _ = outside_code(template_source)
    if extra:
        count = len(regions(template_source))
        return [Violation("edited-outside-answer", name, found.cell, extra[0].start,
                          f"answer markers were added: this cell has {count} answer region(s), and only the "
                          f"template's markers count. Move your code back between the original '{STARTS}' and "
                          f"'{ENDS}' lines and delete the markers you added.")]
    difference = code_difference(theirs, ours)
    if difference:
        line, what = difference
        return [Violation("edited-outside-answer", name, found.cell, our_lines[line - 1] if line else None,
                          f"code outside the answer region was changed: {what}. Only write between "
                          f"'{STARTS}' and '{ENDS}'.")]
    cosmetic = cosmetic_line(theirs, ours)
    if cosmetic:
        notes.append(Violation("cosmetic-edit", name, found.cell, our_lines[cosmetic - 1],
                               "comments, blank lines or spacing outside the answer region differ from the "
                               "template; this costs nothing."))
    return []


def code_difference(expected, found):
    """Return (line in ``found`` or None, description) of the first code difference, or None if the code is the same."""
    try:
        a, b = code_tokens(expected), code_tokens(found)
        keys_a, keys_b = [t.key for t in a], [t.key for t in b]
        lines_a, lines_b = [t.line for t in a], [t.line for t in b]
    except ValueError:
        a, b = fallback_lines(expected), fallback_lines(found)
        keys_a, keys_b = [c for _, c in a], [c for _, c in b]
        lines_a, lines_b = [n for n, _ in a], [n for n, _ in b]
    where = first_difference(keys_a, keys_b)
    if where is None:
        return None
    index = where[0]
    text_a, text_b = expected.split("\n"), found.split("\n")
    old = text_a[lines_a[index] - 1].strip() if index < len(lines_a) else None
    new = text_b[lines_b[index] - 1].strip() if index < len(lines_b) else None
    line = lines_b[index] if index < len(lines_b) else (lines_b[-1] if lines_b else None)
    if new is None:
        return line, f"the code {old!r} is missing"
    if old is None:
        return line, f"the code {new!r} was added"
    if old == new:
        return line, f"the code on the line {new!r} was changed (its indentation or what follows it)"
    return line, f"expected {old!r}, found {new!r}"


def cosmetic_line(expected, found):
    """Return the first line of ``found`` that differs from ``expected`` beyond trailing spaces and blank lines
    at either end, or None."""
    a, b = _trimmed(expected), _trimmed(found)
    where = first_difference(a[1], b[1])
    if where is None:
        return None
    return b[0] + min(where[0], max(len(b[1]) - 1, 0)) + 1


def _trimmed(text):
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        return 0, []
    return filled[0], lines[filled[0]:filled[-1] + 1]
