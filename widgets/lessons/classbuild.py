"""Build a lesson for a whole class: one variant per student or group, student and solution versions.

``python -m widgets.lessons build CLASS.yaml`` reads a small config (see
``data/classes/example-class.yaml``)::

    class: spine-block-a          # a name for the build
    lesson: 07-case               # the lesson notebook (stem)
    output: build/classes/a       # where to write (relative to the current folder)
    seed: 2025                    # the class seed
    versions: [student, solution] # which versions to render (the lesson's `mode`)
    html: false                   # also export each notebook to offline HTML
    workers: 2                    # parallel processes
    defaults: {difficulty: medium}        # parameters for every variant
    cases: [lumbar-disc-herniation, ...]  # pool for students without a case
    assignment: rotate            # or `seeded`: how that pool is handed out
    students: [{id: s001, case: ...}, {id: s002, parameters: {difficulty: hard}}]
    groups: [{id: g1, members: [s010, s011], case: cauda-equina}]

Each student and each group is one *variant*. Its ``seed`` is derived from
the class seed and its id (:func:`derive_seed`), its ``learner`` is its id
(a group hands in one progress file), and its case is the one given or one
from the pool. Every variant is validated against the lesson's parameter spec
before anything runs; an invalid one is reported with its one-line reason and
the others are built.

Notebooks are executed in parallel worker processes (2 by default). Each
worker keeps one warm Jupyter kernel and resets it between notebooks
(``%reset``, widgets closed, working folder restored), so imports are paid
once per worker rather than once per notebook; ``kernel: fresh`` starts a new
kernel for every notebook instead. A notebook that fails is reported with the
failing cell and error while the others finish; the exit code is then 1.

Re-running skips outputs that are up to date: beside each output a small
``.inputs.json`` file records a SHA-256 of its inputs (the lesson notebook,
the parameters, the package version and the contents of ``widgets/`` and
``data/``), and a job whose hash matches and whose outputs exist is not run
again. ``manifest.json`` in the output folder lists every variant, for
``python -m widgets.lessons collect``, with the suite version and each
variant's quiz items pinned (:func:`pinned_items`: their content, key and a
hash), so the class is graded by the version its students saw. The manifest
holds the keys: keep it with the solution versions, not with what students get.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BuildError",
    "ClassConfig",
    "Job",
    "JobResult",
    "Variant",
    "build_class",
    "derive_seed",
    "input_hash",
    "load_config",
    "plan",
    "remote_resources",
    "summary_table",
]

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["lesson", "seed"],
    "additionalProperties": False,
    "properties": {
        "class": {"type": "string", "minLength": 1},
        "lesson": {"type": "string", "pattern": "^[0-9]{2}-[a-z0-9-]+$"},
        "output": {"type": "string", "minLength": 1},
        "seed": {"type": "integer", "minimum": 0},
        "versions": {"type": "array", "minItems": 1, "uniqueItems": True,
                     "items": {"enum": ["student", "solution"]}},
        "html": {"type": "boolean"},
        "workers": {"type": "integer", "minimum": 1, "maximum": 64},
        "timeout": {"type": "integer", "minimum": 10},
        "kernel": {"enum": ["warm", "fresh"]},
        "defaults": {"type": "object"},
        "cases": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "assignment": {"enum": ["rotate", "seeded"]},
        "students": {"type": "array", "items": {
            "type": "object", "required": ["id"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "case": {"type": "string"},
                           "parameters": {"type": "object"}}}},
        "groups": {"type": "array", "items": {
            "type": "object", "required": ["id", "members"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "case": {"type": "string"},
                           "members": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                           "parameters": {"type": "object"}}}},
    },
    "anyOf": [{"required": ["students"]}, {"required": ["groups"]}],
}
MANIFEST = "manifest.json"
SIDECAR = ".inputs.json"


class BuildError(ValueError):
    """The class config is invalid (the message names the file and line)."""


@dataclass(frozen=True)
class Variant:
    """One student or group: the parameters its notebooks are built with (``mode`` aside)."""

    id: str
    kind: str
    members: tuple[str, ...]
    parameters: Mapping[str, Any]


@dataclass(frozen=True)
class ClassConfig:
    """A parsed class config."""

    name: str
    lesson: str
    output: Path
    seed: int
    versions: tuple[str, ...]
    html: bool
    workers: int
    timeout: int
    kernel: str
    variants: tuple[Variant, ...]
    source: str = ""


def derive_seed(class_seed: int, variant_id: str) -> int:
    """Return the seed of one variant: a SHA-256 of the class seed and the id, below 2**31.

    Deterministic across runs, machines and Python versions.
    """
    digest = hashlib.sha256(f"miss-class:{class_seed}:{variant_id}".encode()).hexdigest()
    return int(digest[:8], 16) % (2**31)


def load_config(path: str | Path, output: str | Path | None = None) -> ClassConfig:
    """Read and check a class config; ``output`` overrides its ``output`` folder.

    Raises
    ------
    BuildError
        For YAML or schema problems (with the line), duplicate ids, or an
        unknown lesson. Bad *parameters* are not raised here: :func:`plan`
        reports each invalid variant and lets the others build.
    """
    from widgets.core import documents

    path = Path(path)
    try:
        doc, _ = documents.parse(path, str(path))
        if doc is None:
            raise BuildError(f"{path} line 1: the class config is empty; it needs at least 'lesson',"
                             " 'seed' and 'students' or 'groups' (see data/classes/example-class.yaml)")
        documents.check(doc, SCHEMA, str(path))
    except documents.DocumentError as exc:
        detail = f"cannot read the class config ({exc.__cause__})" if exc.kind == "read" else exc.detail
        raise BuildError(f"{path}" + (f" line {exc.line}" if exc.line else "") + f": {detail}") from exc
    from widgets.core.params import ParameterError
    from widgets.lessons.registry import get_spec

    lesson = doc["lesson"]
    try:
        spec = get_spec(lesson)
    except ParameterError as exc:
        raise BuildError(f"{path} line {doc.key_lines['lesson']}: {exc}") from None
    names = set(spec.names)
    seen: dict[str, int] = {}
    entries = [("student", s) for s in doc.get("students", [])]
    entries += [("group", g) for g in doc.get("groups", [])]
    from widgets.quiz.store import StoreError, check_learner

    folded: dict[str, tuple[str, int]] = {}
    for _, entry in entries:
        ids = [(entry["id"], entry.line)]
        ids += [(m, entry.line) for m in entry.get("members", ())]
        for some_id, line in ids:
            try:
                check_learner(some_id)
            except StoreError as exc:
                raise BuildError(f"{path} line {line}: {exc}") from None
        if entry["id"] in seen:
            raise BuildError(f"{path} line {entry.line}: id {entry['id']!r} is used twice"
                             f" (first at line {seen[entry['id']]})")
        other = folded.get(entry["id"].casefold())
        if other is not None:
            raise BuildError(f"{path} line {entry.line}: id {entry['id']!r} differs from"
                             f" {other[0]!r} (line {other[1]}) only in case; their files would"
                             " collide on macOS and Windows")
        seen[entry["id"]] = entry.line
        folded[entry["id"].casefold()] = (entry["id"], entry.line)
    out_dir = Path(output) if output is not None else Path(
        doc.get("output", f"build/classes/{path.stem}"))
    _check_output_folder(out_dir, f"{path} line {doc.key_lines.get('output', 1)}"
                         if output is None and "output" in doc else "--output")
    defaults = dict(doc.get("defaults", {}))
    pool = list(doc.get("cases") or _all_cases(lesson))
    assignment = doc.get("assignment", "rotate")
    variants = []
    rotate = 0
    for kind, entry in entries:
        params = dict(defaults)
        params.update(entry.get("parameters", {}))
        if "case" in entry:
            params["case"] = entry["case"]
        elif "case" not in params and "case" in names:
            if assignment == "rotate":
                params["case"] = pool[rotate % len(pool)]
                rotate += 1
            else:
                params["case"] = pool[derive_seed(doc["seed"], f"case:{entry['id']}") % len(pool)]
        if "seed" in names:
            params["seed"] = derive_seed(doc["seed"], entry["id"])
        if "learner" in names:
            params["learner"] = entry["id"]
        members = tuple(entry.get("members", (entry["id"],)))
        variants.append(Variant(entry["id"], kind, members, params))
    return ClassConfig(
        name=str(doc.get("class", path.stem)),
        lesson=lesson,
        output=out_dir,
        seed=doc["seed"],
        versions=tuple(doc.get("versions", ("student", "solution"))),
        html=bool(doc.get("html", False)),
        workers=int(doc.get("workers", 2)),
        timeout=int(doc.get("timeout", 300)),
        kernel=doc.get("kernel", "warm"),
        variants=tuple(variants),
        source=str(path),
    )


def _check_output_folder(folder: Path, where: str) -> None:
    """Refuse an output folder that would spread a build over the system or the suite itself."""
    resolved = folder.resolve()
    if resolved == Path(resolved.anchor):
        raise BuildError(f"{where}: output {str(folder)!r} is the root of the file system;"
                         " give a folder of its own, e.g. build/classes/<class>")
    if resolved == Path.home().resolve() or resolved in Path.cwd().resolve().parents:
        raise BuildError(f"{where}: output {str(folder)!r} would write into your home or a parent"
                         " of this folder; give a folder of its own, e.g. build/classes/<class>")
    from widgets.core.catalog import notebooks_dir

    lessons = notebooks_dir().resolve()
    if resolved == lessons or resolved in lessons.parents:
        raise BuildError(f"{where}: output {str(folder)!r} holds the lessons themselves;"
                         " give a folder of its own, e.g. build/classes/<class>")


def _all_cases(lesson: str) -> list[str]:
    if lesson == "07-case":
        from widgets.case.patients import case_ids

        return case_ids()
    return []


# --------------------------------------------------------------------------- hashing


def _tree_digest(root: Path, patterns: Sequence[str]) -> str:
    h = hashlib.sha256()
    for pattern in patterns:
        for p in sorted(root.glob(pattern)):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(root).as_posix().encode())
                h.update(b"\0")
                h.update(p.read_bytes())
                h.update(b"\0")
    return h.hexdigest()


def package_fingerprint() -> str:
    """Return a SHA-256 of the package version and the contents of ``widgets/`` and ``data/``.

    ``data/classes`` (class configs) is left out: a config does not change
    what a notebook shows, its parameters do.
    """
    import widgets
    from widgets.core.data import data_dir

    code_root = Path(widgets.__file__).resolve().parent
    data = data_dir()
    patterns = [d.name + "/**/*" for d in sorted(data.iterdir()) if d.is_dir() and d.name != "classes"]
    patterns += [p.name for p in sorted(data.iterdir()) if p.is_file()]
    return hashlib.sha256(
        f"{widgets.__version__}\0{_tree_digest(code_root, ['**/*.py'])}\0{_tree_digest(data, patterns)}"
        .encode()).hexdigest()


def input_hash(notebook: Path, parameters: Mapping[str, Any], fingerprint: str, html: bool) -> str:
    """Return the SHA-256 that decides whether an output is up to date."""
    h = hashlib.sha256()
    h.update(Path(notebook).read_bytes())
    h.update(json.dumps(dict(parameters), sort_keys=True, default=str).encode())
    h.update(fingerprint.encode())
    h.update(b"html" if html else b"nohtml")
    return h.hexdigest()


# --------------------------------------------------------------------------- jobs


@dataclass(frozen=True)
class Job:
    """One notebook to build: a variant in one version."""

    variant: str
    version: str
    notebook: str
    output: str
    parameters: Mapping[str, Any]
    html: bool
    timeout: int
    kernel: str
    digest: str

    @property
    def sidecar(self) -> Path:
        """The file beside the output that records its input hash."""
        return Path(self.output + SIDECAR)

    def up_to_date(self) -> bool:
        """Whether the outputs exist and were built from the same inputs."""
        out = Path(self.output)
        if not out.is_file() or not self.sidecar.is_file():
            return False
        if self.html and not out.with_suffix(".html").is_file():
            return False
        try:
            return json.loads(self.sidecar.read_text(encoding="utf-8")).get("hash") == self.digest
        except (OSError, ValueError):
            return False


@dataclass
class JobResult:
    """What happened to one job: ``built``, ``up to date``, ``invalid`` or ``failed``, and why."""

    variant: str
    version: str
    status: str
    seconds: float = 0.0
    reason: str = ""
    output: str = ""


@dataclass
class Plan:
    """The jobs of a build and the variants whose parameters were rejected."""

    config: ClassConfig
    jobs: list[Job] = field(default_factory=list)
    rejected: list[JobResult] = field(default_factory=list)
    fingerprint: str = ""


def plan(config: ClassConfig, notebook: Path | None = None) -> Plan:
    """Validate every variant in every version and list the jobs (nothing is executed).

    A variant whose parameters fail the lesson's spec becomes an ``invalid``
    result with the one-line reason; the rest become jobs.
    """
    from widgets.core.catalog import notebooks_dir
    from widgets.core.params import ParameterError
    from widgets.lessons.registry import get_spec

    spec = get_spec(config.lesson)
    notebook = Path(notebook) if notebook else notebooks_dir() / f"{config.lesson}.ipynb"
    fingerprint = package_fingerprint()
    out = Plan(config=config, fingerprint=fingerprint)
    for variant in config.variants:
        for version in config.versions:
            params = dict(variant.parameters)
            if "mode" in spec.names:
                params["mode"] = version
            try:
                spec.validate(params, partial=True)
            except ParameterError as exc:
                out.rejected.append(JobResult(variant.id, version, "invalid", reason=str(exc)))
                continue
            target = config.output / version / f"{variant.id}-{config.lesson}.ipynb"
            inside = config.output.resolve()
            if inside not in target.resolve().parents:
                out.rejected.append(JobResult(
                    variant.id, version, "invalid",
                    reason=f"id {variant.id!r} would write outside the output folder"))
                continue
            out.jobs.append(Job(
                variant=variant.id, version=version, notebook=str(notebook), output=str(target),
                parameters=params, html=config.html, timeout=config.timeout, kernel=config.kernel,
                digest=input_hash(notebook, params, fingerprint, config.html)))
    return out


# --------------------------------------------------------------------------- execution (workers)


class WarmKernel:
    """One Jupyter kernel kept alive across notebooks and reset between them."""

    def __init__(self, cwd: Path, kernel_name: str = "python3", startup_timeout: int = 120):
        from jupyter_client.manager import KernelManager

        self.cwd = Path(cwd)
        self.kernel_name = kernel_name
        self.km = KernelManager(kernel_name=kernel_name)
        self.km.start_kernel(cwd=str(self.cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=startup_timeout)

    def reset(self) -> None:
        """Clear the user namespace and the execution count, and restore the working folder.

        Widgets of earlier notebooks are left open: modules keep shared layout
        objects that closing them all would break.
        """
        code = (
            "get_ipython().reset(new_session=True)\n"
            f"__import__('os').chdir({str(self.cwd)!r})\n"
        )
        reply = self.kc.execute_interactive(code, silent=True, store_history=False, timeout=60)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue')}")

    def execute(self, nb, timeout: int):
        """Execute ``nb`` in this kernel after a reset; return it."""
        from nbclient import NotebookClient

        self.reset()
        client = NotebookClient(nb, km=self.km, timeout=timeout, kernel_name=self.kernel_name,
                                resources={"metadata": {"path": str(self.cwd)}},
                                store_widget_state=False, record_timing=False)
        client.kc = self.kc
        return client.execute()

    def alive(self) -> bool:
        """Whether the kernel process is still running."""
        return bool(self.km.is_alive())

    def shutdown(self) -> None:
        """Stop the kernel."""
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


_KERNEL: WarmKernel | None = None


def _shutdown_worker_kernel() -> None:
    global _KERNEL
    if _KERNEL is not None:
        try:
            _KERNEL.shutdown()
        except Exception:  # noqa: BLE001  (best effort at exit)
            pass
        _KERNEL = None


def _init_worker() -> None:
    """Make sure a worker's kernel is stopped when the worker process exits (pool initializer)."""
    from multiprocessing import util

    util.Finalize(None, _shutdown_worker_kernel, exitpriority=100)


def _kernel_for(job: Job) -> WarmKernel:
    global _KERNEL
    cwd = Path(job.notebook).resolve().parent
    if job.kernel == "fresh":
        _shutdown_worker_kernel()
    if _KERNEL is None or not _KERNEL.alive():
        _shutdown_worker_kernel()
        _KERNEL = WarmKernel(cwd)
    return _KERNEL


def _error_reason(nb, exc: Exception) -> str:
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                value = str(output.get("evalue", "")).strip().splitlines()
                return f"cell {i}: {output.get('ename')}: {value[0] if value else ''}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}"


def parameterize(nb, parameters: Mapping[str, Any]):
    """Inject ``parameters`` after the ``parameters`` cell, as papermill does (stable cell id)."""
    from papermill.parameterize import parameterize_notebook

    for cell in nb.cells:  # papermill expects every cell to have a tags list
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, dict(parameters), kernel_name="python3", language="python")
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata["tags"]:
            cell["id"] = "injected-parameters"
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    nb.metadata.pop("papermill", None)
    return nb


def export_html(nb, title: str) -> str:
    """Return an offline HTML page of an executed notebook (no script or style from the network).

    nbconvert's ``basic`` template gives the cells; interactive views, which
    need a kernel, are replaced by a note, and the page carries its own small
    stylesheet.
    """
    import copy
    import html as _html

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    note = {"text/html": "<p><em>Interactive view: open the notebook in JupyterLab to use it.</em></p>"}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data or "application/vnd.plotly.v1+json" in data:
                output["data"] = dict(note)
    body, _ = HTMLExporter(template_name="basic", exclude_input_prompt=True,
                           exclude_output_prompt=True).from_notebook_node(nb)
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
             "line-height:1.5}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;"
             "padding:.2em .5em;vertical-align:top}pre{background:#f4f4f4;padding:.5em;overflow-x:auto}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_html.escape(title)}'
            f"</title><style>{style}</style></head><body>\n{body}\n</body></html>\n")


def remote_resources(page: str) -> list[str]:
    """Return every URL an HTML page would fetch by itself (scripts, styles, frames, images, imports).

    Hyperlinks (``<a href>``) are not fetched and are not listed.
    """
    import re

    tags = r"<(?:script|img|iframe|embed|source|video)\b[^>]*?\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    links = r"<link\b[^>]*\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    imports = r"(?:import\s[^;]*?from\s*|import\(\s*|@import\s+(?:url\()?)[\"']((?:https?:)?//[^\"']+)"
    urls = re.findall(tags, page, flags=re.IGNORECASE) + re.findall(links, page, flags=re.IGNORECASE)
    urls += re.findall(imports, page) + re.findall(r"url\(\s*[\"']?((?:https?:)?//[^\"')]+)", page)
    return sorted(set(urls))


def run_job(job: Job) -> JobResult:
    """Build one notebook (in a worker process) and return what happened; never raises."""
    import nbformat

    from widgets.lessons.notebooks import normalise

    t0 = time.perf_counter()
    nb = None
    try:
        nb = parameterize(nbformat.read(job.notebook, as_version=4), job.parameters)
        kernel = _kernel_for(job)
        try:
            kernel.execute(nb, job.timeout)
        finally:
            if job.kernel == "fresh":
                _shutdown_worker_kernel()
        normalise(nb)
        out = Path(job.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        if job.html:
            page = export_html(nb, f"{Path(job.output).stem} ({job.version})")
            remote = remote_resources(page)
            if remote:
                raise RuntimeError(f"the HTML export would fetch {remote[0]}")
            out.with_suffix(".html").write_text(page, encoding="utf-8")
        job.sidecar.write_text(json.dumps({"hash": job.digest, "variant": job.variant,
                                           "version": job.version, "parameters": dict(job.parameters)},
                                          sort_keys=True, indent=1, default=str) + "\n", encoding="utf-8")
        return JobResult(job.variant, job.version, "built", time.perf_counter() - t0, output=job.output)
    except Exception as exc:  # noqa: BLE001  (reported, the build goes on)
        reason = _error_reason(nb, exc) if nb is not None else f"{type(exc).__name__}: {exc}"
        return JobResult(job.variant, job.version, "failed", time.perf_counter() - t0,
                         reason=reason, output=job.output)


# --------------------------------------------------------------------------- the build


#: The manifest's format: 2 pins every variant's quiz items (content, key and hash).
MANIFEST_FORMAT = 2


def pinned_items(lesson: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Return a variant's quiz items pinned for the manifest: ``{"items": [...]}``.

    Each pin (:func:`widgets.quiz.grading.item_pin`) holds what the student is
    asked, the key and a hash of both, so ``collect`` grades by the version
    the students saw and names any item that changed since. A variant whose
    items cannot be made gets ``{"items": None, "items_error": why}``.
    """
    from widgets.lessons.collect import variant_items
    from widgets.quiz.grading import item_pin

    try:
        return {"items": [item_pin(item) for item in variant_items(lesson, parameters)]}
    except Exception as exc:  # noqa: BLE001  (recorded; collect reports it)
        return {"items": None, "items_error": f"{type(exc).__name__}: {exc}"}


def _write_manifest(config: ClassConfig, the_plan: Plan, results: Sequence[JobResult]) -> Path:
    import widgets

    status = {(r.variant, r.version): r for r in results}
    manifest = {
        "format": MANIFEST_FORMAT,
        "class": config.name,
        "lesson": config.lesson,
        "seed": config.seed,
        "versions": list(config.versions),
        "suite_version": widgets.__version__,
        "fingerprint": the_plan.fingerprint,
        "variants": [
            {
                "id": v.id,
                "kind": v.kind,
                "members": list(v.members),
                "parameters": dict(v.parameters),
                **pinned_items(config.lesson, v.parameters),
                "outputs": {
                    version: {
                        "notebook": f"{version}/{v.id}-{config.lesson}.ipynb",
                        "status": status[(v.id, version)].status if (v.id, version) in status else "",
                        "reason": status[(v.id, version)].reason if (v.id, version) in status else "",
                    }
                    for version in config.versions
                },
            }
            for v in config.variants
        ],
    }
    path = config.output / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def build_class(config: ClassConfig, *, workers: int | None = None, progress: bool = True,
                force: bool = False, notebook: Path | None = None,
                on_result: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Build every variant of a class; return one result per variant and version.

    Parameters
    ----------
    config
        From :func:`load_config`.
    workers
        Parallel processes (default: the config's, 2 unless set).
    progress
        Show a tqdm progress bar on stderr.
    force
        Rebuild outputs even when they are up to date.
    notebook
        Build from this notebook instead of ``notebooks/<lesson>.ipynb`` (tests).
    on_result
        Called with each result as it arrives.
    """
    from tqdm import tqdm

    the_plan = plan(config, notebook)
    results: list[JobResult] = list(the_plan.rejected)
    todo = []
    for job in the_plan.jobs:
        if not force and job.up_to_date():
            results.append(JobResult(job.variant, job.version, "up to date", output=job.output))
        else:
            todo.append(job)
    for r in results:
        if on_result:
            on_result(r)
    n_workers = max(1, min(workers or config.workers, len(todo) or 1))
    bar = tqdm(total=len(todo), desc=f"building {config.name}", unit="notebook", disable=not progress,
               file=sys.stderr, dynamic_ncols=True)
    try:
        if todo:
            with ProcessPoolExecutor(max_workers=n_workers, initializer=_init_worker) as pool:
                futures = {pool.submit(run_job, job): job for job in todo}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001  (a worker died)
                        result = JobResult(job.variant, job.version, "failed",
                                           reason=f"worker failed: {type(exc).__name__}: {exc}",
                                           output=job.output)
                    results.append(result)
                    if on_result:
                        on_result(result)
                    bar.update(1)
                    if result.status == "failed":
                        bar.write(f"failed: {result.variant} ({result.version}): {result.reason}")
    finally:
        bar.close()
    order = {(v.id, ver): i for i, (v, ver) in enumerate(
        (v, ver) for v in config.variants for ver in config.versions)}
    results.sort(key=lambda r: order.get((r.variant, r.version), len(order)))
    _write_manifest(config, the_plan, results)
    return results


def summary_table(results: Sequence[JobResult]) -> str:
    """Return the results as a plain-text table (one line per notebook), with totals."""
    rows = [("variant", "version", "status", "seconds", "reason")]
    for r in results:
        rows.append((r.variant, r.version, r.status, f"{r.seconds:.1f}" if r.seconds else "",
                     r.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row)).rstrip()
             for row in rows]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("total: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(lines)


def results_json(results: Sequence[JobResult]) -> str:
    """Return the results as JSON (for scripts)."""
    return json.dumps([asdict(r) for r in results], indent=1)


def dry_run_table(config: ClassConfig) -> tuple[str, bool]:
    """Return what a build would do, one line per notebook, and whether every variant is valid."""
    the_plan = plan(config)
    results = list(the_plan.rejected)
    for job in the_plan.jobs:
        status = "up to date" if job.up_to_date() else "to build"
        reason = (f"case {job.parameters.get('case', '')}, seed {job.parameters.get('seed', '')}"
                  if "case" in job.parameters else "")
        results.append(JobResult(job.variant, job.version, status, reason=reason, output=job.output))
    order = {(v.id, ver): i for i, (v, ver) in enumerate(
        (v, ver) for v in config.variants for ver in config.versions)}
    results.sort(key=lambda r: order.get((r.variant, r.version), len(order)))
    return summary_table(results), not the_plan.rejected


def main_build(config_path: str, output: str | None = None, workers: int | None = None,
               force: bool = False, progress: bool | None = None, dry_run: bool = False) -> int:
    """Command-line entry: build, print the summary table, return the exit code.

    Exit codes: 0 all built or up to date, 1 some variant invalid or failed, 2 a bad config.
    """
    try:
        config = load_config(config_path, output)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if dry_run:
        table, ok = dry_run_table(config)
        print(table)
        return 0 if ok else 1
    show = sys.stderr.isatty() if progress is None else progress
    results = build_class(config, workers=workers, force=force, progress=show)
    print(summary_table(results))
    print(f"outputs in {config.output}{os.sep}  (manifest: {config.output / MANIFEST})")
    return 1 if any(r.status in ("failed", "invalid") for r in results) else 0
