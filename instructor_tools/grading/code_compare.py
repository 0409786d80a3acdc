"""Compare code the way Python reads it: tokens, not characters.

Whitespace, blank lines, comments, line endings, tab or space indentation and
standalone string statements (docstrings) do not change what code does, so they are
left out of the comparison. Indentation still counts as structure (INDENT/DEDENT),
so moving ``return parameters`` into the loop is a change.
"""
import io
import tokenize
from dataclasses import dataclass

SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
STRUCTURE = {tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE}


@dataclass(frozen=True)
class Token:
    key: tuple  # what is compared: (type, text), text empty for INDENT/DEDENT/NEWLINE
    line: int  # 1-based line in the text it came from


def normalize_newlines(text):
    """Return text with CRLF and lone CR line endings turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def code_tokens(text):
    """Return the Tokens of ``text`` that carry meaning; raise ValueError if Python cannot tokenize it."""
    try:
        raw = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as error:
        raise ValueError(str(error)) from None
    kept, statement = [], []
    at_statement_start = True
    for token in raw:
        if token.type in SKIPPED:
            continue
        item = Token((token.type, "" if token.type in STRUCTURE else token.string), token.start[0])
        if at_statement_start and token.type == tokenize.STRING or statement and token.type == tokenize.STRING:
            statement.append(item)
            at_statement_start = False
            continue
        if statement:
            if token.type == tokenize.NEWLINE:  # a statement made only of string literals: a docstring
                statement = []
                at_statement_start = True
                continue
            kept.extend(statement)
            statement = []
        kept.append(item)
        at_statement_start = token.type in STRUCTURE
    kept.extend(statement)
    return kept


def fallback_lines(text):
    """Return [(line number, code)] with whitespace, blank and comment-only lines left out (for untokenizable text)."""
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        code = "".join(line.split())
        if code and not code.startswith("#"):
            out.append((number, code))
    return out


def first_difference(expected, found):
    """Return (index, expected item or None, found item or None) where two sequences first differ, or None."""
    for index, (a, b) in enumerate(zip(expected, found)):
        if a != b:
            return index, a, b
    if len(expected) == len(found):
        return None
    index = min(len(expected), len(found))
    return index, (expected[index] if index < len(expected) else None), (found[index] if index < len(found) else None)


def same_code(a, b):
    """Return True if texts ``a`` and ``b`` are the same code (see the module docstring)."""
    try:
        return [t.key for t in code_tokens(a)] == [t.key for t in code_tokens(b)]
    except ValueError:
        return [c for _, c in fallback_lines(a)] == [c for _, c in fallback_lines(b)]


def code_key(text):
    """Return a hashable key equal for texts that are the same code."""
    try:
        return tuple(t.key for t in code_tokens(text))
    except ValueError:
        return tuple(c for _, c in fallback_lines(text))
