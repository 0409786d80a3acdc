"""The line that stands in an empty answer region of the student notebook."""


def placeholder(name):
    """Return the line that stands in an empty answer region of function ``name``."""
    return f'raise NotImplementedError("{name}: replace this line with your code")'
