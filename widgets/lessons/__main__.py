"""Command line for lesson tooling.

``python -m widgets.lessons execute [NOTEBOOK ...]``
    re-execute notebooks in place (all lessons when none is named).
``python -m widgets.lessons check``
    check every lesson's outline and parameters cell against the catalog.
``python -m widgets.lessons readme``
    write the catalog's lesson map into README.md.
``python -m widgets.lessons run NOTEBOOK OUTPUT -p NAME VALUE ...``
    validate parameters, then run a variant with papermill.
``python -m widgets.lessons build CLASS.yaml [--output DIR] [--workers N] [--force] [--dry-run]``
    build a class: one variant per student or group, student and solution
    versions, optional offline HTML (see widgets/lessons/classbuild.py).
``python -m widgets.lessons exchange {setup,submit,gather} CLASS ...``
    hand-in through an exchange folder on a shared machine (widgets/lessons/exchange.py).
``python -m widgets.lessons link --hub URL --repo URL [--branch B] [LESSON]``
    an nbgitpuller link that pulls the lessons into a learner's hub home.
``python -m widgets.lessons collect BUILD_DIR PROGRESS_DIR [--out DIR]``
    gather exported progress files into gradebook.csv and the item analysis
    (and the Canvas and Moodle grade imports when the class config names the
    learners' LMS identities).
``python -m widgets.lessons export {qti12,moodle} --out DIR [LESSON ...] [--class CLASS.yaml]``
    write question banks as an LMS imports them (an instructor's file: it
    holds the keys; see widgets/lessons/lms.py).
    gather exported progress files into gradebook.csv and the item analysis.
``python -m widgets.lessons html LESSON [--output DIR]``
    execute a lesson and write its offline HTML handout, figures and widgets
    as they were left (default folder: build/handouts).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from widgets.core.params import ParameterError
from widgets.lessons import notebooks as nbtools


def _parse_value(name: str, text: str):
    """Read one ``-p NAME VALUE`` value: a number as a person writes it, else YAML."""
    import yaml

    from widgets.core.params import read_number

    number = read_number(text)
    if number is not None:
        return number
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"parameter {name!r}: {text!r} is not a value the suite can read"
                             f" ({problem}); write a number, a word, true/false or [a, b]") from None


def _check() -> int:
    """Print what every lesson lacks of the outline or disagrees with the catalog; 1 if anything."""
    import nbformat

    from widgets.core.catalog import lesson

    bad = 0
    for path in nbtools.find_notebooks():
        nb = nbformat.read(path, as_version=4)
        try:
            entry = lesson(path.stem)
            problems = (nbtools.check_outline(nb) + nbtools.catalog_problems(nb, entry)
                        + nbtools.parameter_problems(nb, entry))
        except KeyError as exc:
            problems = [exc.args[0]]
        for problem in problems:
            print(f"{path.name}: {problem}")
            bad += 1
    return 1 if bad else 0


def _exchange(args) -> int:
    """Run ``exchange setup|submit|gather``; a one-line error and 2 for bad input."""
    from widgets.lessons import exchange

    try:
        if args.action == "setup":
            print(f"hand-in folders ready in {exchange.setup(args.class_name, args.learners)}")
        elif args.action == "submit":
            print(f"handed in: {exchange.submit(args.file, class_name=args.class_name)}")
        else:
            copied, refused = exchange.gather(args.class_name, args.dest)
            print(f"{len(copied)} hand-ins copied into {args.dest}")
            for path in refused:
                print(f"warning: {path}: not named for the learner whose folder holds it; left out",
                      file=sys.stderr)
    except (exchange.ExchangeError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m widgets.lessons", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="re-execute notebooks in place")
    ex.add_argument("notebooks", nargs="*", type=Path)
    sub.add_parser("check", help="check every lesson's outline against the catalog")
    sub.add_parser("readme", help="write the catalog's lesson map into README.md")
    run = sub.add_parser("run", help="validate parameters and run a variant with papermill")
    run.add_argument("notebook", type=Path)
    run.add_argument("output", type=Path)
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"))
    build = sub.add_parser("build", help="build a class from a config (student and solution versions)")
    build.add_argument("config", type=Path)
    build.add_argument("--output", help="output folder (overrides the config's)")
    build.add_argument("--workers", type=int, help="parallel processes (default: the config's, else 2)")
    build.add_argument("--force", action="store_true", help="rebuild outputs that are up to date")
    build.add_argument("--dry-run", action="store_true",
                       help="validate every variant and list what would be built; execute nothing")
    bar = build.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show the progress bar (default: when stderr is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    coll = sub.add_parser("collect", help="collect progress files into a gradebook and item analysis")
    coll.add_argument("build_dir", type=Path, help="the class build folder (holds manifest.json)")
    coll.add_argument("progress_dir", type=Path, help="folder of exported progress files (*.jsonl)")
    coll.add_argument("--out", help="where to write the CSV files (default: the build folder)")
    exp = sub.add_parser("export", help="write question banks for an LMS (QTI 1.2 or Moodle XML)")
    exp.add_argument("format", choices=("qti12", "moodle"))
    exp.add_argument("lessons", nargs="*", help="lesson ids (default: every lesson with questions)")
    exp.add_argument("--out", required=True, help="folder for the export files")
    exp.add_argument("--class", dest="class_config",
                     help="a class config: the case lesson's variants of that class")
    exch = sub.add_parser("exchange", help="hand-in through an exchange folder on a shared machine")
    exch_sub = exch.add_subparsers(dest="action", required=True)
    ex_setup = exch_sub.add_parser("setup", help="(root) create each learner's hand-in folder")
    ex_setup.add_argument("class_name")
    ex_setup.add_argument("learners", nargs="+")
    ex_submit = exch_sub.add_parser("submit", help="hand in your exported progress file")
    ex_submit.add_argument("class_name")
    ex_submit.add_argument("file", type=Path)
    ex_gather = exch_sub.add_parser("gather", help="(instructor) copy every hand-in into a folder")
    ex_gather.add_argument("class_name")
    ex_gather.add_argument("dest", type=Path)
    link = sub.add_parser("link", help="print an nbgitpuller link to the lessons on a hub")
    link.add_argument("lesson", nargs="?", help="the lesson to open (default: the folder)")
    link.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    link.add_argument("--repo", required=True, help="the git address of the lessons' repository")
    link.add_argument("--branch", default="main")
    link.add_argument("--folder", help="the folder in the learner's home (default: the repo's name)")
    handout = sub.add_parser("html", help="execute a lesson and write its offline HTML handout")
    handout.add_argument("lesson", help="a lesson name such as 05-evidence, or its notebook")
    handout.add_argument("--output", help="folder for the handout (default: build/handouts)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from widgets.lessons.classbuild import main_build

        return main_build(str(args.config), args.output, args.workers, args.force, args.progress,
                          args.dry_run)
    if args.command == "html":
        from widgets.lessons.handout import main_html

        return main_html(args.lesson, args.output)
    if args.command == "collect":
        from widgets.lessons.collect import main_collect

        return main_collect(str(args.build_dir), str(args.progress_dir), args.out)

    if args.command == "export":
        from widgets.lessons.lms import main_export

        return main_export(args.format, args.out, args.lessons, args.class_config)
    if args.command == "link":
        from widgets.lessons.links import LinkError, pull_link

        try:
            print(pull_link(hub=args.hub, repo=args.repo, branch=args.branch, lesson=args.lesson,
                            folder=args.folder))
        except LinkError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0

    if args.command == "exchange":
        return _exchange(args)

    if args.command == "execute":
        for path in args.notebooks or nbtools.find_notebooks():
            print(f"executing {path}", flush=True)
            nbtools.execute_in_place(path)
        return 0
    if args.command == "check":
        return _check()
    if args.command == "readme":
        from widgets.core.catalog import notebooks_dir, with_readme_map

        readme = notebooks_dir().parent / "README.md"
        readme.write_text(with_readme_map(readme.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    from widgets.lessons.variants import run_variant

    try:
        run_variant(args.notebook, args.output,
                    {k: _parse_value(k, v) for k, v in args.parameter})
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
