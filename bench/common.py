"""Timing and reporting helpers shared by the benchmarks, so every figure is measured and printed alike.

A figure is one line ``BENCH <name> <value> <unit> target=<target> floor=<floor>``: the target is what the
project promises, the floor what the same machine does for the simplest comparable work in the same run, so
a slow machine does not hide a slow algorithm (and a fast one does not flatter it).
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS_PATH = Path(__file__).with_name("results.json")


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: float
    floor: float
    higher_is_better: bool = False

    @property
    def met(self) -> bool:
        """A cost (seconds, a multiple of the floor) meets its target at or below it; a yield (a parallel
        efficiency in %) at or above it."""
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


FIGURES: list[Figure] = []


def median_time(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in seconds; the median shrugs off the odd run disturbed by other work.

    The result is kept until the clock has stopped, so freeing it (100,000 lines take a while) is not
    counted as part of the call, and garbage is collected before each run, so one run does not pay for
    another. The collector stays on, as it would in production.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        del result
    return statistics.median(times)


def _value(value: float, unit: str) -> str:
    return f"{value:.3f}" if unit == "s" else f"{value:.2f}"


def _bound(value: float) -> str:
    return f"{round(value, 3):g}"


def emit(name: str, value: float, unit: str, *, target: float, floor: float, higher_is_better: bool = False) -> Figure:
    """Print one figure (and a WARNING when it misses its target) and keep it for results.json."""
    figure = Figure(name, value, unit, target, floor, higher_is_better)
    FIGURES.append(figure)
    print(f"BENCH {name} {_value(value, unit)} {unit} target={_bound(target)} floor={_bound(floor)}", flush=True)
    if not figure.met:
        print(
            f"WARNING: {name} {_value(value, unit)} {unit} misses its target of {_bound(target)} {unit}",
            flush=True,
        )
    return figure


def write_results(path: Path = RESULTS_PATH) -> Path:
    """Write every figure of this run, with what is needed to compare runs across machines."""
    payload = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "figures": [asdict(f) | {"met": f.met} for f in FIGURES],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path
