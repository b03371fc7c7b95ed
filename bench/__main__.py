"""Run every benchmark module and write the figures to bench/results.json.

To add a benchmark, write a module with a ``run()`` that calls ``bench.common.emit`` and list it below.
A module in OPTIONAL may be skipped when its imports fail (say, a service it needs is not installed);
the engine benchmark has no such excuse.
"""

from __future__ import annotations

import importlib
import sys

from bench.common import FIGURES, write_results

MODULES = ["bench.engine", "bench.letters", "bench.exports", "bench.runs", "bench.pages"]
# These need PostgreSQL: without a postgres DATABASE_URL they print a SKIP line and return.
OPTIONAL: set[str] = {"bench.runs", "bench.pages"}


def main() -> int:
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if name not in OPTIONAL:
                raise
            print(f"SKIP {name}: cannot import it ({exc})", flush=True)
            continue
        module.run()
    path = write_results()
    missed = [f.name for f in FIGURES if not f.met]
    if missed:
        print(f"WARNING: {len(missed)} figure(s) missed their target: {', '.join(missed)}")
    print(f"{len(FIGURES)} figures written to {path}")
    return 0  # a missed target is reported, not fatal: machines differ


if __name__ == "__main__":
    sys.exit(main())
