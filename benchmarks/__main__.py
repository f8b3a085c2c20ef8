"""Run every benchmark module and write benchmarks/results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    """Run the benchmarks named on the command line (all by default)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmark modules (bench_*.py) to run")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in HERE.glob("bench_*.py"))
    out_path = HERE / "results.json"
    results = json.loads(out_path.read_text()) if out_path.exists() else {}
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        figures = module.run()
        print(json.dumps(figures, indent=2), flush=True)
        results[name] = figures
    results["_machine"] = {
        "python": platform.python_version(),
        "cpu_count": __import__("os").cpu_count(),
        "platform": platform.platform(terse=True),
    }
    out_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out_path.relative_to(HERE.parent)}")
    from benchmarks.report import update_readme

    update_readme(results)
    print("updated the Performance section of README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
