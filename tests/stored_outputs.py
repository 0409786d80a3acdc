"""Read the solved notebook's stored outputs: printed costs, accuracies and tables, as the prose quotes them.

Every reader looks at ``state.notebook``, the stored solved notebook.
"""
import re

from init_utils.sweep import SWEEP_SCALES
from notebook_tools import SOURCE, cell_by_id, costs_printed, grade_id, load, stream_text, text


NUMBER = re.compile(r"(?<![\w.^{\\])(\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]\d+)?)( ?%)?")
IGNORED = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|<[^>]*>|\(#[^)]*\)", re.S)


class state:
    """The notebook the readers look at."""

    notebook = load(SOURCE)


def out(gid):
    """Return what a code cell printed, and the plain text of what it displayed (a folded table)."""
    cell = cell_by_id(state.notebook, gid)
    shown = [text({"source": o["data"]["text/plain"]}) for o in cell.get("outputs", [])
             if o["output_type"] in ("execute_result", "display_data") and "text/html" in o.get("data", {})]
    return "\n".join([stream_text(cell), *shown])


def md(gid):
    return text(cell_by_id(state.notebook, gid))


def markdown_ids():
    return [grade_id(c) for c in state.notebook["cells"] if c["cell_type"] == "markdown"]


def numbers_in(gid):
    """Return the numbers a markdown cell states, as written (percent signs kept)."""
    prose = IGNORED.sub(" ", md(gid))
    return [m.group(1) + (" %" if m.group(2) else "") for m in NUMBER.finditer(prose)]


def rows(gid, first):
    """Return the whitespace-split rows of a printed table whose first cell is ``first``."""
    return [line.split() for line in out(gid).splitlines() if line.split()[:1] == [first]]


def as_written(value, written):
    """Round ``value`` the way ``written`` is written ("0.693", "96.0 %", "81", "2.1e-08")."""
    plain = written.rstrip("%").strip().replace(",", "")
    if written.endswith("%"):
        value *= 100
    if "e" in plain:
        mantissa = plain.split("e")[0]
        return f"{value:.{len(mantissa.split('.')[1]) if '.' in mantissa else 0}e}" == plain
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return round(value, decimals) == float(plain)


def percent(cell):
    return round(float(cell.rstrip("%")) / 100, 6)


def cost(gid, iteration):
    return dict(costs_printed(cell_by_id(state.notebook, gid)))[iteration]


def accuracies(gid):
    return [float(v) for v in re.findall(r"^Accuracy: (\S+)$", out(gid), re.M)]


def inside(name, layer, gid="inside"):
    """Return (distinct units, activation std, ||dW||, ||W||) of a row of an inside table."""
    row = next(r for r in rows(gid, name) if r[1] == str(layer))
    return row[2], float(row[5]), float(row[6]), float(row[7])


def step_share(layer):
    """0.01 ||dW|| / ||W|| of the x10 network's layer at the start, from the inside table."""
    _, _, grad, weight = inside("x10", layer)
    return 0.01 * grad / weight


TRACE_ITERATIONS = [0, 100, 200, 300, 500, 1000, 5000, 10000, 14900]


def trace(iteration):
    row = next(r for r in out("random_trace").splitlines()[1:] if r.split()[:1] == [str(iteration)]).split()
    return {"saturated": percent(row[1]), "wrong": percent(row[2]), "steps": [float(v) for v in row[3:6]],
            "norms": [float(v) for v in row[6:9]]}


def late_steps():
    """step/W of layers 1 and 2 at every listed iteration from 1000 on."""
    return [s for i in TRACE_ITERATIONS[5:] for s in trace(i)["steps"][:2]]


def sweep_row(label):
    row = rows("sweep", label)[0]
    return {"label": label, "scales": row[1:-4], "start": percent(row[-4]), "cost": float(row[-3]),
            "train": percent(row[-2]), "test": percent(row[-1])}


def sweep_rows():
    return [sweep_row(f"{s:g}") | {"scale": s} for s in SWEEP_SCALES]


def all_sweep_rows():
    return sweep_rows() + [sweep_row(name) for name in ("He", "LeCun", "Xavier/Glorot")]


def floor_labels():
    return re.search(r"final cost at most twice that: (.*)", out("sweep")).group(1).split(", ")


def floor_accuracies():
    return [float(v) / 100 for v in re.search(r"their test accuracy: (\S+)% to (\S+)%", out("sweep")).groups()]


def lowest_final_cost():
    return float(re.search(r"lowest final cost: (\S+)", out("sweep")).group(1))


def rms_row(name):
    """Return {closed, forward, backward, at: {layer: RMS}} of the variance table's row for ``name``."""
    row = next(r for r in out("variance").splitlines()[2:] if r.startswith(name + " ")).split()[-7:]
    closed, forward, backward, *at = (float(v) for v in row)
    return {"closed": closed, "forward": forward, "backward": backward, "at": dict(zip((1, 10, 25, 50), at))}


def deep(scheme=None, seed=None):
    """Return the deep table's rows (dicts) for a scheme and/or seed."""
    found = []
    for line in [line for line in out("deep").splitlines() if line.strip()][1:]:
        cells = line.split()
        diverged = cells[4] == "diverged"
        tail = cells[-3:]
        found.append({"seed": int(cells[0]), "scheme": cells[1], "first": float(cells[2]),
                      "lowest": None if cells[3] == "-" else float(cells[3]), "final": None if diverged else float(cells[4]),
                      "diverged": diverged, "train": None if tail[0] == "-" else percent(tail[0]),
                      "start": percent(tail[1]), "end": None if tail[2] == "-" else percent(tail[2])})
    return [r for r in found if scheme in (None, r["scheme"]) and seed in (None, r["seed"])]
