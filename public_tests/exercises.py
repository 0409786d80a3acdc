"""The three exercises: their names, the rule each asks for, and the layers_dims they are checked on."""
from collections import namedtuple

Exercise = namedtuple("Exercise", "kind name rule cases")

EXERCISES = {
    "zeros": Exercise("zeros", "initialize_parameters_zeros",
                      "every W<l> and b<l> filled with zeros: np.zeros((layers_dims[l], layers_dims[l-1])) and "
                      "np.zeros((layers_dims[l], 1))",
                      ([3, 2, 1], [2, 10, 5, 1], [5, 4, 3, 2, 1], [4, 1])),
    "random": Exercise("random", "initialize_parameters_random",
                       "np.random.seed(3) once, then W<l> = np.random.randn(layers_dims[l], layers_dims[l-1]) * 10 and b<l> = "
                       "np.zeros((layers_dims[l], 1))",
                       ([3, 2, 1], [2, 10, 5, 1], [6, 5, 4, 3, 1], [4, 1])),
    "he": Exercise("he", "initialize_parameters_he",
                   "np.random.seed(3) once, then W<l> = np.random.randn(layers_dims[l], layers_dims[l-1]) * np.sqrt(2 / "
                   "layers_dims[l-1]) and b<l> = np.zeros((layers_dims[l], 1))",
                   ([2, 4, 1], [2, 10, 5, 1], [7, 6, 5, 4, 3, 1], [4, 1])),
}

# The deeper and wider networks the grader tries after the public cases (the learner can run them too).
GRADER_CASES = ([5, 4, 3, 1], [12, 20, 15, 9, 4, 1], [3, 64, 1], [1, 1, 1, 1, 1, 1, 1], [30, 2, 30, 1])
# Extra layers_dims the notebook's check also observes, never to decide the verdict, only to confirm a
# diagnosis on other sizes (a first layer of size 1 tells int(np.sqrt(2 / n)) from np.sqrt(2 // n)).
CONFIRM_CASES = ([7, 6, 5, 4, 3, 1], [1, 3, 2, 1], [6, 5, 4, 3, 1])
# How close a float64 weight must be to the reference draw.
TOLERANCE = dict(rtol=1e-9, atol=1e-12)


def shapes(layers_dims):
    """Yield (l, n_l, n_prev) for each weight layer l = 1 .. L."""
    for l in range(1, len(layers_dims)):
        yield l, layers_dims[l], layers_dims[l - 1]
