"""Read cell code as Python does: magics rewritten by IPython, compared as tokens without comments or docstrings.

Indentation still counts (INDENT/DEDENT), so moving ``return parameters`` into the loop is a change.
"""
import ast
import io
import tokenize

SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
STRUCTURE = {tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE}


def normalize_newlines(text):
    """Return text with CRLF and lone CR line endings turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def python_source(text):
    """Return the cell ``text`` as the plain Python IPython runs (magics, shell lines and help? rewritten)."""
    text = normalize_newlines(text)
    try:
        ast.parse(text)
        return text  # IPython leaves plain Python alone, continuation lines that start with % or != included
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        pass
    from IPython.core.inputtransformer2 import TransformerManager  # only for cells with magics: it takes 0.25 s

    # IPython drops leading blank lines; put them back so that line numbers count the cell's own lines
    blank = next((number for number, line in enumerate(text.split("\n")) if line.strip()), 0)
    try:
        return "\n" * blank + TransformerManager().transform_cell(text)
    except Exception:  # IPython could not read the cell: let Python report the syntax error itself
        return text


def code_tokens(text):
    """Return [(line, key)] of the tokens that carry meaning; raise ValueError if Python cannot tokenize ``text``."""
    try:
        raw = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as error:
        raise ValueError(str(error)) from None
    kept, strings, previous = [], [], tokenize.NEWLINE
    for token in raw:
        if token.type in SKIPPED:
            continue
        item = (token.start[0], (token.type, "" if token.type in STRUCTURE else token.string))
        if _plain_string(token) and (strings or previous in STRUCTURE):
            strings.append(item)
        elif strings and token.type == tokenize.NEWLINE:  # a statement made only of string literals: a docstring
            strings = []
        else:
            kept += strings + [item]
            strings = []
        previous = token.type
    return kept + strings


def _plain_string(token):
    """Return True for a string literal that runs no code (Python 3.11 tokenizes an f-string as one STRING too)."""
    prefix = token.string[:len(token.string) - len(token.string.lstrip("rRbBuUfF"))]
    return token.type == tokenize.STRING and "f" not in prefix.lower()


def code_lines(text):
    """Return [(line, code)] with whitespace, blank and comment-only lines left out (for untokenizable text)."""
    stripped = ((number, "".join(line.split())) for number, line in enumerate(text.split("\n"), start=1))
    return [(number, code) for number, code in stripped if code and not code.startswith("#")]


def comparable(*texts):
    """Return [(line, key)] for each text: its tokens, or its code lines when any of them cannot be tokenized."""
    try:
        return [code_tokens(text) for text in texts]
    except ValueError:
        return [code_lines(text) for text in texts]


def code_key(text):
    """Return a hashable key equal for texts that are the same code."""
    return tuple(key for _, key in comparable(text)[0])


def first_difference(expected, found):
    """Return the first index at which two sequences differ, or None when they are equal."""
    for index, (a, b) in enumerate(zip(expected, found)):
        if a != b:
            return index
    return None if len(expected) == len(found) else min(len(expected), len(found))
