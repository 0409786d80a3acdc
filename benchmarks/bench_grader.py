"""Grader speed: isolated (bubblewrap) against unisolated, in the same run, one submission and a --jobs 2 batch.

    python benchmarks/bench_grader.py [--rounds 3] [--batch 8] [--before /tmp/grader-before]

Each measurement runs the command line in a fresh interpreter on correct submissions; rounds alternate the
variants. ``--before DIR`` also times an older checkout's ``python -m public_tests.grade`` (run from DIR).
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import ratio_line, timed  # noqa: E402
from notebook_tools import STUDENT, fill_answers, load  # noqa: E402

from instructor_tools.grading.sandbox import isolation  # noqa: E402


def run(command, cwd, env=None):
    seconds, done = timed(subprocess.run, command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return seconds


def variants(before, scratch):
    """Return {name: (command, folder to run it in, environment)}: this checkout's grader, and an older one."""
    new = [sys.executable, "-m", "public_tests.grade"]
    here = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])))
    out = {"isolated": (new + ["--isolation", "required"], scratch, here),
           "unisolated": (new + ["--isolation", "off"], scratch, here)}
    if before:
        out["before"] = (new, before, dict(os.environ, PYTHONPATH=str(before)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8, help="submissions in the --jobs 2 batch")
    parser.add_argument("--before", type=pathlib.Path, help="checkout of an older grader to time as well")
    args = parser.parse_args()
    chosen = isolation("auto")
    print(f"isolation here: {chosen.mode} ({chosen.describe()})")
    if not chosen.isolated:
        raise SystemExit("bubblewrap is unavailable here: nothing to compare")
    notebook = json.dumps(fill_answers(load(STUDENT)))
    times = {"single": {}, "batch": {}}
    with tempfile.TemporaryDirectory(prefix="bench-grader-") as scratch:
        scratch = pathlib.Path(scratch)
        one = scratch / "one.ipynb"
        one.write_text(notebook)
        folder = scratch / "class"
        folder.mkdir()
        for index in range(args.batch):
            (folder / f"learner{index:03d}.ipynb").write_text(notebook)
        for _ in range(args.rounds):
            for name, (command, cwd, env) in variants(args.before, scratch).items():
                times["single"].setdefault(name, []).append(run(command + [str(one)], cwd, env))
                gradebook = scratch / f"{name}.csv"
                gradebook.unlink(missing_ok=True)
                seconds = run(command + [str(folder), "--csv", str(gradebook), "--jobs", "2"], cwd, env)
                times["batch"].setdefault(name, []).append(seconds / args.batch)
                rows = [row for row in gradebook.read_text().split("\n") if row.startswith("learner")]
                assert len(rows) == args.batch and all(",3,3," in row for row in rows), rows
    for mode, label in (("single", "one submission"), ("batch", f"batch of {args.batch}, --jobs 2, per submission")):
        print(f"\n{label} (command line, fresh interpreter each):")
        for name, values in times[mode].items():
            print(f"  {name:<11} median {statistics.median(values):.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
        print("  " + ratio_line("isolated / unisolated", times[mode]["isolated"], times[mode]["unisolated"]))
        if "before" in times[mode]:
            print("  " + ratio_line("isolated / before", times[mode]["isolated"], times[mode]["before"]))


if __name__ == "__main__":
    main()
