"""A table of mistakes: the first entry whose finding is true gives the message."""
from public_tests.mistakes import first_message

TABLE = (
    (lambda n: n < 0, "negative"),
    (lambda n: [d for d in (2, 3) if n % d == 0], lambda n, divisors: f"{n} divides by {divisors}"),
    (lambda n: n > 100, "large"),
)


def test_the_first_entry_that_finds_the_mistake_speaks():
    assert first_message(TABLE, -6) == "negative"
    assert first_message(TABLE, 102) == "102 divides by [2, 3]"


def test_a_false_or_empty_finding_passes_to_the_next_entry():
    assert first_message(TABLE, 101) == "large"
    assert first_message(TABLE, 7) is None

