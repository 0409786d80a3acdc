"""Every number the solved notebook's prose states agrees with the output it comes from.

Each markdown cell listed in CLAIMS has its numbers checked against the stored outputs
(printed costs, accuracies and tables) at the precision the prose writes them. A number in
a checked cell that no claim accounts for fails the test, so new prose cannot drift from
the outputs unnoticed. Formulas ($...$), inline code and code blocks are not measurements
and are skipped; the expected-output blocks are compared with the check cells' own output.
"""
import math
import re

import numpy as np
import pytest

from init_utils.sweep import SWEEP_SCALES
from notebook_tools import SOURCE, cell_by_id, costs_printed, load, stream_text, text

NOTEBOOK = load(SOURCE)
NUMBER = re.compile(r"(?<![\w.^{\\])(\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?)( ?%)?")
IGNORED = re.compile(r"```.*?```|`[^`]*`|\$[^$]*\$|<[^>]*>|\(#[^)]*\)", re.S)


def out(gid):
    return stream_text(cell_by_id(NOTEBOOK, gid))


def md(gid):
    return text(cell_by_id(NOTEBOOK, gid))


def numbers_in(gid):
    """Return the numbers a markdown cell states, as written (percent signs kept)."""
    prose = IGNORED.sub(" ", md(gid))
    return [m.group(1) + (" %" if m.group(2) else "") for m in NUMBER.finditer(prose)]


def rows(gid, first):
    """Return the whitespace-split rows of a printed table whose first cell is ``first``."""
    return [line.split() for line in out(gid).splitlines() if line.split()[:1] == [first]]


def as_written(value, written):
    """Round ``value`` the way ``written`` is written ("0.693", "96.0%", "81", "1e-6")."""
    plain = written.rstrip("%").strip().replace(",", "")
    if written.endswith("%"):
        value *= 100
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return round(value, decimals) == float(plain)


def percent(cell):
    return round(float(cell.rstrip("%")) / 100, 6)


def cost(gid, iteration):
    return dict(costs_printed(cell_by_id(NOTEBOOK, gid)))[iteration]


def accuracies(gid):
    return [float(v) for v in re.findall(r"^Accuracy: (\S+)$", out(gid), re.M)]


def inside(name, layer):
    """Return (units that differ, activation std, ||dW||, ||W||) of a row of the inside table."""
    row = next(r for r in rows("inside", name) if r[1] == str(layer))
    return row[2], float(row[5]), float(row[6]), float(row[7])


def trace(iteration):
    row = next(r for r in out("random_trace").splitlines()[5:] if r.split()[:1] == [str(iteration)]).split()
    return {"saturated": percent(row[1]), "wrong": percent(row[2]), "steps": [float(v) for v in row[3:6]],
            "norms": [float(v) for v in row[6:9]]}


TRACE_ITERATIONS = [0, 100, 200, 300, 500, 1000, 5000, 10000, 14900]


def sweep_row(label):
    row = next(r for r in rows("sweep", label))
    return {"start": percent(row[-4]), "cost": float(row[-3]), "train": percent(row[-2]), "test": percent(row[-1])}


def sweep_rows():
    return [sweep_row(f"{s:g}") | {"scale": s} for s in SWEEP_SCALES]


def best_range():
    low, high = re.search(r"best: (\S+) to (\S+)", out("sweep")).groups()
    return float(low), float(high)


def seconds_printed():
    return float(re.search(r"this cell took (\S+) s", out("sweep")).group(1))


# Numbers the prose uses for the set-up itself (sizes, settings, citations), checked once here.
def test_setting_numbers_are_the_settings():
    assert "train_X: (2, 300)" in out("data") and "test_X:  (2, 100)" in out("data")
    assert costs_printed(cell_by_id(NOTEBOOK, "he_train"))[-1][0] == 14000  # 15,000 steps, cost every 1000
    assert "after 15000 steps" in out("compare")
    assert len(SWEEP_SCALES) == 26 and min(SWEEP_SCALES) == 0.001 and max(SWEEP_SCALES) == 100
    assert len(rows("sweep", "He") + rows("sweep", "LeCun") + rows("sweep", "Xavier/Glorot")) + 26 == 29


SETTINGS = {"15,000", "300", "100", "1000", "14000", "15000", "26", "29", "0.001", "0.01", "2015", "2010"}

# (markdown cell, number as written) -> a check against the outputs
CLAIMS = {
    "data_md": {},
    "zeros_why_md": {
        "0.6931": lambda w: all(c == math.log(2) for _, c in costs_printed(cell_by_id(NOTEBOOK, "zeros_train")))
        and as_written(math.log(2), w) and f"cost: {math.log(2)!r}" in out("zeros_numbers"),
        "0.5": lambda w: accuracies("zeros_accuracy") == [0.5, 0.5] and "[0.5]" in out("zeros_numbers"),
    },
    "random_inf_after_md": {
        "6929": lambda w: as_written(float(re.search(r"largest \|z3\|: (\S+)", out("random_inf")).group(1)), w),
        "300": lambda w: "300 of 300" in out("random_inf"),
        "150": lambda w: "class 0 points with a3 exactly 1: 150 of 150" in out("random_inf")
        and "class 1 points with a3 exactly 1: 150 of 150" in out("random_inf"),
        "1774": lambda w: as_written(float(out("random_inf").split()[-1]), w),
        "0.001": lambda w: True,  # the margin that defines "saturated" (init_utils.inspection.SATURATION_MARGIN)
    },
    "random_trace_after_md": {
        "81": lambda w: as_written(inside_x10(1)[2], w),
        "88": lambda w: as_written(inside_x10(2)[2], w),
        "155": lambda w: as_written(inside_x10(3)[2], w),
        "50 %": lambda w: trace(0)["wrong"] == 0.5,
        "0 %": lambda w: trace(200)["wrong"] == 0 and all(trace(i)["wrong"] == 0 for i in TRACE_ITERATIONS[5:]),
        "200": lambda w: trace(200)["wrong"] == 0 and max(trace(300)["wrong"], trace(500)["wrong"]) > 0,
        "1000": lambda w: all(trace(i)["wrong"] == 0 for i in TRACE_ITERATIONS[5:]),
        "0.3 %": lambda w: trace(1000)["saturated"] == 0.003 and trace(14900)["saturated"] > 0.003,
        "39": lambda w: all(as_written(trace(i)["norms"][0], w) for i in TRACE_ITERATIONS[5:]),
        "78": lambda w: all(as_written(trace(i)["norms"][1], w) for i in TRACE_ITERATIONS[5:]),
        "19": lambda w: all(as_written(trace(i)["norms"][2], w) for i in TRACE_ITERATIONS[5:]),
        "1e-6": lambda w: all(1e-6 <= s <= 2e-5 for i in TRACE_ITERATIONS[5:] for s in trace(i)["steps"][:2]),
        "2e-5": lambda w: all(1e-6 <= s <= 2e-5 for i in TRACE_ITERATIONS[5:] for s in trace(i)["steps"][:2]),
    },
    "random_takeaway_md": {
        "83 %": lambda w: as_written(accuracies("random_accuracy")[0], w),
        "86 %": lambda w: as_written(accuracies("random_accuracy")[1], w),
    },
    "he_takeaway_md": {
        "99.3 %": lambda w: as_written(accuracies("he_accuracy")[0], w),
        "96 %": lambda w: as_written(accuracies("he_accuracy")[1], w),
        "0.883": lambda w: as_written(cost("he_train", 0), w),
        "0.688": lambda w: as_written(cost("he_train", 1000), w),
        "0.693": lambda w: as_written(math.log(2), w),
        "0.675": lambda w: as_written(cost("he_train", 2000), w),
        "2000": lambda w: True, "3000": lambda w: True, "4000": lambda w: True, "5000": lambda w: True,
        "0.653": lambda w: as_written(cost("he_train", 3000), w),
        "0.074": lambda w: as_written(cost("he_train", 14000), w),
        "0.550": lambda w: as_written(cost("random_train", 4000), w) and cost("random_train", 4000) < cost("he_train", 4000),
        "0.608": lambda w: as_written(cost("he_train", 4000), w),
        "0.530": lambda w: as_written(cost("he_train", 5000), w)
        and all(cost("he_train", i) < cost("random_train", i) for i in range(5000, 15000, 1000))
        and all(cost("random_train", i) < cost("he_train", i) for i in range(1000, 5000, 1000)),
        "0.544": lambda w: as_written(cost("random_train", 5000), w),
        "0.14": lambda w: as_written(inside("He", 1)[2], w),
        "0.42": lambda w: as_written(inside("He", 3)[2], w),
    },
    "inside_after_md": {
        "5.17": lambda w: as_written(inside("x10", 1)[1], w),
        "147": lambda w: as_written(inside("x10", 2)[1], w),
        "81.2": lambda w: as_written(inside("x10", 1)[2], w),
        "88.4": lambda w: as_written(inside("x10", 2)[2], w),
        "155": lambda w: as_written(inside("x10", 3)[2], w),
        "0.517": lambda w: as_written(inside("He", 1)[1], w),
        "0.655": lambda w: as_written(inside("He", 2)[1], w),
        "0.141": lambda w: as_written(inside("He", 1)[2], w),
        "0.324": lambda w: as_written(inside("He", 2)[2], w),
        "0.418": lambda w: as_written(inside("He", 3)[2], w),
    },
    "compare_md": {},
    "takeaways_md": {},
    "sweep_md": {
        "10": lambda w: True,  # checked in test_sweep_time_stated_matches_the_printed_time
        "20": lambda w: True,
    },
    "sweep_after_md": {
        "0.025": lambda w: all(r["cost"] == 0.693 for r in sweep_rows() if r["scale"] <= 0.0252),
        "0.693": lambda w: all(r["cost"] == 0.693 for r in sweep_rows() if r["scale"] <= 0.0252),
        "43 %": lambda w: min(min(r["train"], r["test"]) for r in sweep_rows() if r["scale"] <= 0.0252) == 0.43,
        "48 %": lambda w: max(max(r["train"], r["test"]) for r in sweep_rows() if r["scale"] <= 0.0252) == 0.48,
        "50 %": lambda w: accuracies("zeros_accuracy") == [0.5, 0.5],
        "46.3 %": lambda w: sweep_row("0.01")["train"] == 0.463,
        "48.0 %": lambda w: sweep_row("0.01")["test"] == 0.48,
        "6": lambda w: all(r["test"] < 0.9 and r["start"] == 1.0 for r in sweep_rows() if r["scale"] > 6)
        and sweep_row("3.98107")["test"] >= 0.9,
        "100.0 %": lambda w: all(r["start"] == 1.0 for r in sweep_rows() if r["scale"] > 6),
        "3.98": lambda w: best_range()[1] == 3.98,
        "94.3 %": lambda w: sweep_row("3.98107")["start"] == 0.943,
        "95.0 %": lambda w: sweep_row("3.98107")["test"] == 0.95 and sweep_row("Xavier/Glorot")["test"] == 0.95,
        "83.0 %": lambda w: sweep_row("10")["train"] == 0.83,
        "86.0 %": lambda w: sweep_row("10")["test"] == 0.86,
        "54.7 %": lambda w: sweep_row("100")["train"] == 0.547,
        "54.0 %": lambda w: sweep_row("100")["test"] == 0.54,
        "0.251": lambda w: best_range()[0] == 0.251,
        "96.0 %": lambda w: sweep_row("He")["test"] == 0.96 and sweep_row("1")["test"] == 0.96,
        "93.0 %": lambda w: sweep_row("LeCun")["test"] == 0.93,
        "99.3 %": lambda w: sweep_row("He")["train"] == 0.993,
        "99.0 %": lambda w: sweep_row("LeCun")["train"] == 0.99 and sweep_row("Xavier/Glorot")["train"] == 0.99,
        "0.447": lambda w: rows("sweep", "He")[0][2] == "0.447,",
        "0.632": lambda w: rows("sweep", "He")[0][3] == "0.632",
        "99.7 %": lambda w: sweep_row("1")["train"] == 0.997,
    },
    "explorer_debrief_md": {
        "300": lambda w: "300 of 300" in out("random_inf"),
        "81": lambda w: as_written(inside("x10", 1)[2], w),
        "88": lambda w: as_written(inside("x10", 2)[2], w),
        "155": lambda w: as_written(inside("x10", 3)[2], w),
        "0.517": lambda w: as_written(inside("He", 1)[1], w),
        "0.655": lambda w: as_written(inside("He", 2)[1], w),
        "5.17": lambda w: as_written(inside("x10", 1)[1], w),
        "147": lambda w: as_written(inside("x10", 2)[1], w),
        "0.693": lambda w: sweep_row("0.01")["cost"] == 0.693,
        "50 %": lambda w: True,  # "near 50 %": the 46.3 % claim beside it is checked
        "46.3 %": lambda w: sweep_row("0.01")["train"] == 0.463,
        "99.7 %": lambda w: sweep_row("1")["train"] == 0.997,
        "3.98": lambda w: any(r["scale"] == 10 ** 0.6 for r in sweep_rows()),
        "95.0 %": lambda w: sweep_row("3.98107")["test"] == 0.95,
    },
}


def inside_x10(layer):
    row = next(r for r in out("random_trace").splitlines() if r.split()[:2] == ["x10", str(layer)]).split()
    return row[2], float(row[5]), float(row[6]), float(row[7])


SMALL_INTEGERS = {str(k) for k in range(11)}  # layer and section numbers, counts of layers and units


# Claims read from the large random run after it has trained (its trace, its costs past iteration 0,
# and the sweep's large scales). That run is chaotic: its digits move by about 1e-3 between CPUs
# and BLAS kernels, so nbval does not compare those cells either. They are checked against the
# stored outputs above (prose and outputs from one execution agree); on a fresh execution on
# another CPU they may move, and claim_failures(..., portable_only=True) leaves them out.
CHAOTIC = {
    "random_trace_after_md": {"0 %", "200", "1000", "0.3 %", "39", "78", "19", "1e-6", "2e-5"},
    "he_takeaway_md": {"0.550", "0.530", "0.544"},
    "sweep_after_md": {"6", "100.0 %", "3.98", "94.3 %", "95.0 %", "54.7 %", "54.0 %", "0.251"},
    "explorer_debrief_md": {"3.98", "95.0 %"},
}


def claim_failures(notebook, portable_only=False):
    """Return the claims that ``notebook``'s outputs contradict (used on a fresh execution too)."""
    global NOTEBOOK
    stored, NOTEBOOK, failures = NOTEBOOK, notebook, []
    try:
        for gid, claims in CLAIMS.items():
            skip = CHAOTIC.get(gid, set()) if portable_only else set()
            failures += [(gid, written) for written, check in claims.items()
                         if written not in skip and not check(written)]
    finally:
        NOTEBOOK = stored
    return failures


@pytest.mark.parametrize("gid", sorted(CLAIMS))
def test_every_number_in_the_prose_is_checked_against_the_outputs(gid):
    claims = CLAIMS[gid]
    unaccounted = [n for n in numbers_in(gid) if n not in claims and n not in SETTINGS and n not in SMALL_INTEGERS]
    assert not unaccounted, f"{gid} states numbers no claim checks: {unaccounted}"
    for written, check in claims.items():
        assert written in numbers_in(gid) or written in md(gid), f"{gid}: claim {written!r} no longer in the prose"
        assert check(written), f"{gid}: {written!r} does not match the outputs"


def test_sweep_time_stated_matches_the_printed_time():
    low, high = re.search(r"about (\S+) to (\S+) s here", md("sweep_md")).groups()
    assert 0.5 * float(low) <= seconds_printed() <= 1.5 * float(high), (low, high, seconds_printed())


@pytest.mark.parametrize("kind, example", [("zeros", "[3, 2, 1]"), ("random", "[3, 2, 1]"), ("he", "[2, 4, 1]")])
def test_expected_output_blocks_equal_what_the_check_cells_print(kind, example):
    block = re.search(r"```\n(.*?)\n```", md(f"{kind}_expected_md"), re.S).group(1)
    assert f"`layers_dims = {example}`" in md(f"{kind}_expected_md")
    assert out(f"initialize_parameters_{kind}_test").strip() == block.strip()


def test_strict_names_of_the_scales_everywhere_a_learner_reads():
    prose = "\n".join(text(c) for c in NOTEBOOK["cells"] if c["cell_type"] == "markdown")
    # "Xavier" appears only as Xavier/Glorot, or in the one sentence about other courses' naming.
    loose = [line for line in prose.splitlines() if re.search(r"Xavier(?!/Glorot)", line)]
    assert len(loose) == 1 and "Some courses call" in loose[0], loose
    assert re.search(r"LeCun initialization\* uses \$\\sqrt\{1 / n\^\{\[l-1\]\}\}\$", prose)


def test_zeros_run_is_exact():
    printed = costs_printed(cell_by_id(NOTEBOOK, "zeros_train"))
    assert len(printed) == 15 and all(c == 0.6931471805599453 for _, c in printed)
    assert set(out("zeros_predictions").replace("predictions_train = ", "").replace("predictions_test = ", "")
               .replace("[", "").replace("]", "").split()) == {"0"}


def test_sweep_table_covers_every_scale_and_the_valley_is_real():
    table = sweep_rows()
    assert len(table) == len(SWEEP_SCALES)
    tests = np.array([r["test"] for r in table])
    assert tests.argmax() not in (0, len(tests) - 1)
    assert tests[0] < 0.5 and tests[-1] < 0.6 and tests.max() >= 0.95


def test_chaotic_claims_name_claims_that_exist():
    for gid, written in CHAOTIC.items():
        assert written <= set(CLAIMS[gid]), (gid, written - set(CLAIMS[gid]))
