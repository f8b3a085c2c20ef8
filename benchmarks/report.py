"""Render benchmarks/results.json as the README's Performance section."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- perf:start -->", "<!-- perf:end -->"


def _latencies(prefix: str, node, out: list[tuple[str, dict]]) -> None:
    if isinstance(node, dict) and "p95_ms" in node:
        out.append((prefix, node))
    elif isinstance(node, dict):
        for key, value in node.items():
            _latencies(f"{prefix}: {key}" if prefix else key, value, out)


def render(results: dict) -> str:
    """Return markdown tables for lesson execution, callback latency and other figures."""
    lines = []
    lessons = results.get("bench_lessons", {})
    if lessons:
        stack = next((v for k, v in lessons.items() if k.startswith("stack_notebook_s")), None)
        budget = lessons.get("budgets", {}).get("warm_execution_x_library_floor")
        lines += [
            "Lesson execution in a fresh kernel, against the **library floor**: a one-cell notebook"
            " that only imports the libraries every lesson is built on (numpy, pandas, ipywidgets,"
            f" plotly) and shows one table and one figure ({stack} s, best of 5; an empty notebook"
            f" takes {lessons['empty_notebook_s']} s). The 3-D models the lessons draw (spine meshes,"
            " voxel volume) are kept in a disk cache: **cold** is a lesson's first run with that cache"
            " empty (one run), **warm** the best of 5 runs with it filled, which is what a student"
            " sees from their second open on, and from the first on a hub whose image ran"
            f" `python -m widgets.dev warm`. Budget: warm <= {budget}x the library floor. The runs go"
            " in rounds (each once in turn); every run is in `benchmarks/results.json`.",
            "",
            f"| lesson | cold (s) | cold x floor | warm (s) | warm x floor | warm within {budget}x"
            " | size (kB) |",
            "|---|---|---|---|---|---|---|",
        ]
        for stem, fig in lessons["lessons"].items():
            verdict = {True: "yes", False: "**no**"}.get(fig.get("within_budget"), "")
            lines.append(f"| {stem} | {fig.get('cold_s', '')} | {fig.get('cold_x_floor', '')} |"
                         f" {fig.get('warm_s', fig.get('execution_s', ''))} |"
                         f" {fig.get('warm_x_floor', fig.get('ratio_to_stack', ''))} | {verdict} |"
                         f" {fig['size_kb']} |")
        lines.append("")
    in_browser = {"bench_browser"}  # measured in Chromium, from the key press to the page
    for title, names in (
            ("In-process latency (ms) of interactive callbacks and other timed operations:",
             [n for n in sorted(results) if not n.startswith("_") and n not in in_browser]),
            ("In-browser latency (ms), JupyterLab in headless Chromium with software WebGL: from the"
             " key press to the figure or image redrawn, and to the page settled:",
             [n for n in sorted(results) if n in in_browser])):
        rows: list[tuple[str, dict]] = []
        for name in names:
            _latencies(name.removeprefix("bench_"), results[name], rows)
        if rows:
            lines += [title, "", "| what | p50 | p95 | max | n |", "|---|---|---|---|---|"]
            for label, fig in rows:
                lines.append(f"| {label} | {fig['p50_ms']} | {fig['p95_ms']} | {fig.get('max_ms', '')}"
                             f" | {fig.get('n', '')} |")
            lines.append("")
    others = {k: v for k, v in results.items() if not k.startswith("_") and k != "bench_lessons"}
    scalar_rows = []
    for name, figures in sorted(others.items()):
        for key, value in figures.items():
            if isinstance(value, int | float | str) and not isinstance(value, bool):
                scalar_rows.append(f"| {name.removeprefix('bench_')} | {key} | {value} |")
    if scalar_rows:
        lines += ["Other figures:", "", "| benchmark | figure | value |", "|---|---|---|", *scalar_rows, ""]
    machine = results.get("_machine", {})
    if machine:
        lines.append(f"Machine: {machine.get('cpu_count')} cores, Python {machine.get('python')}.")
    return "\n".join(lines).rstrip() + "\n"


def update_readme(results: dict) -> None:
    """Replace the text between the perf markers in README.md."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{render(results)}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    update_readme(json.loads((ROOT / "benchmarks" / "results.json").read_text()))
