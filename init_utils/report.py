"""Plain-text summaries of training runs. Imports only numpy."""
from .prediction import accuracy, predict_dec


def comparison_table(histories, train_X, train_Y, test_X, test_Y):
    """Return a table with first and last cost and train/test accuracy of each named History."""
    lines = [f"{'initialization':<16}{'first cost':>12}{'last cost':>12}{'train acc':>11}{'test acc':>10}"]
    for name, history in histories.items():
        train_acc = accuracy(predict_dec(history.parameters, train_X), train_Y)
        test_acc = accuracy(predict_dec(history.parameters, test_X), test_Y)
        lines.append(f"{name:<16}{history.costs[0]:>12.4f}{history.costs[-1]:>12.3f}"
                     f"{train_acc:>11.1%}{test_acc:>10.0%}")
    return "\n".join(lines)
