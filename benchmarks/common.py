"""Shared helpers for the benchmarks: timing, ratios, and what machine this is."""
import statistics
import time


def timed(function, *args, **kwargs):
    """Return (seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def ratio_line(name, times, baseline_times, target=None, unit="s"):
    """Format min/median/max of times[i] / baseline_times[i], plus the medians themselves."""
    ratios = [t / b for t, b in zip(times, baseline_times)]
    scale = 1000 if unit == "ms" else 1
    verdict = "" if target is None else ("  ok" if statistics.median(ratios) <= target else f"  MISSES {target:g}x")
    return (f"{name:<46} ratio min {min(ratios):6.3f}  median {statistics.median(ratios):6.3f}  "
            f"max {max(ratios):6.3f}   ({statistics.median(times) * scale:8.3g} {unit} vs "
            f"{statistics.median(baseline_times) * scale:8.3g} {unit}){verdict}")


def machine():
    """Describe the CPU count and the BLAS numpy uses."""
    import os

    import numpy as np

    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
                         for i in threadpool_info() if i["user_api"] == "blas")
    except Exception:
        blas = "unknown (threadpoolctl missing)"
    return (f"numpy {np.__version__}, {os.cpu_count()} cores, BLAS: {blas}, "
            f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
