"""Command line for lesson tooling.

``python -m widgets.lessons execute [NOTEBOOK ...]``
    re-execute notebooks in place (all lessons when none is named).
``python -m widgets.lessons check``
    check every lesson's outline and parameters cell.
``python -m widgets.lessons run NOTEBOOK OUTPUT -p NAME VALUE ...``
    validate parameters, then run a variant with papermill.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from widgets.lessons import notebooks as nbtools
from widgets.params import ParameterError


def _parse_value(text: str):
    import yaml

    return yaml.safe_load(text)


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m widgets.lessons", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="re-execute notebooks in place")
    ex.add_argument("notebooks", nargs="*", type=Path)
    sub.add_parser("check", help="check every lesson's outline")
    run = sub.add_parser("run", help="validate parameters and run a variant with papermill")
    run.add_argument("notebook", type=Path)
    run.add_argument("output", type=Path)
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"))
    args = parser.parse_args(argv)

    if args.command == "execute":
        for path in args.notebooks or nbtools.find_notebooks():
            print(f"executing {path}", flush=True)
            nbtools.execute_in_place(path)
        return 0
    if args.command == "check":
        import nbformat

        bad = 0
        for path in nbtools.find_notebooks():
            for problem in nbtools.check_outline(nbformat.read(path, as_version=4)):
                print(f"{path.name}: {problem}")
                bad += 1
        return 1 if bad else 0
    from widgets.lessons.variants import run_variant

    try:
        run_variant(args.notebook, args.output, {k: _parse_value(v) for k, v in args.parameter})
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
