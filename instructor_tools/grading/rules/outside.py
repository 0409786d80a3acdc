"""edited-outside-answer: the code of a cell outside its answer regions must stay the template's, token for token."""
from ...answer_regions import ENDS, STARTS, regions
from ..code_compare import comparable, first_difference
from .model import Violation


def outside_code(source, template_source=None):
    """Return (text outside the answer regions, [original line number of each of its lines], extra regions).

    With ``template_source``, only its regions count, each matched in order by the code line before it;
    the others (markers a learner added) are returned in ``extra`` and stay outside code.
    """
    lines = source.split("\n")
    found, extra = regions(source), []
    if template_source is not None and len(found) > len(regions(template_source)):
        wanted = [_anchor(template_source.split("\n"), r) for r in regions(template_source)]
        kept = []
        for region in found:
            if len(kept) < len(wanted) and _anchor(lines, region) == wanted[len(kept)]:
                kept.append(region)
            else:
                extra.append(region)
        found = kept
    inside = {number for region in found for number in range(region.start, region.end)}
    numbers = [n + 1 for n in range(len(lines)) if n not in inside]
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
        return [Violation("edited-outside-answer", name, found.cell, extra[0].start,
                          f"answer markers were added: this cell has {len(regions(template_source))} answer region(s), "
                          f"and only the template's markers count. Move your code back between the original '{STARTS}' "
                          f"and '{ENDS}' lines and delete the markers you added.")]
    difference = code_difference(theirs, ours)
    if difference:
        line, what = difference
        # a DEDENT after the last line has the line number len + 1
        return [Violation("edited-outside-answer", name, found.cell, our_lines[min(line, len(our_lines)) - 1] if line else None,
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
    a, b = comparable(expected, found)
    index = first_difference([key for _, key in a], [key for _, key in b])
    if index is None:
        return None
    old, new = _code_at(expected, a, index), _code_at(found, b, index)
    line = b[min(index, len(b) - 1)][0] if b else None
    if new is None:
        return line, f"the code {old!r} is missing"
    if old is None:
        return line, f"the code {new!r} was added"
    if old == new:
        return line, f"the code on the line {new!r} was changed (its indentation or what follows it)"
    return line, f"expected {old!r}, found {new!r}"


def _code_at(text, items, index):
    """Return the stripped line of ``items[index]`` in ``text``, or None past the end (a DEDENT at the end is there)."""
    lines = text.split("\n")
    return lines[items[index][0] - 1].strip() if index < len(items) and items[index][0] <= len(lines) else None


def cosmetic_line(expected, found):
    """Return the first line of ``found`` that differs from ``expected`` beyond trailing spaces and blank end lines."""
    (_, a), (start, b) = _trimmed(expected), _trimmed(found)
    index = first_difference(a, b)
    return None if index is None else start + min(index, max(len(b) - 1, 0)) + 1


def _trimmed(text):
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    return (filled[0], lines[filled[0]:filled[-1] + 1]) if filled else (0, [])
