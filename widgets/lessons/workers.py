"""Executing the notebooks of a class build in worker processes, and exporting them to offline HTML.

Notebooks are executed in parallel worker processes (2 by default). Each
worker keeps one warm Jupyter kernel and resets it between notebooks
(``%reset``, widgets closed, working folder restored), so imports are paid
once per worker rather than once per notebook; ``kernel: fresh`` starts a new
kernel for every notebook instead. A notebook that fails is reported with the
failing cell and error (:func:`run_job` never raises) while the others finish.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from widgets.lessons.jobs import Job, JobResult

__all__ = [
    "WarmKernel",
    "export_html",
    "init_worker",
    "parameterize",
    "remote_resources",
    "run_job",
]



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
                                store_widget_state=True, record_timing=False)  # for the handouts
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


def init_worker() -> None:
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

    Figures and widgets are drawn from the saved widget state as they were left
    (:mod:`widgets.lessons.handout`); a page with figures expects the
    ``plotly.min.js`` that :func:`widgets.lessons.handout.write_handout` writes beside it.
    """
    from widgets.lessons.handout import handout_page

    return handout_page(nb, title)[0]


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
        out = Path(job.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        if job.html:  # before normalise, which drops the widget state the handout draws from
            from widgets.lessons.handout import write_handout

            page = write_handout(nb, out.with_suffix(".html"), f"{out.stem} ({job.version})")
            remote = remote_resources(page.read_text(encoding="utf-8"))
            if remote:
                page.unlink()
                raise RuntimeError(f"the HTML export would fetch {remote[0]}")
        normalise(nb)
        nbformat.write(nb, out)
        job.sidecar.write_text(json.dumps({"hash": job.digest, "variant": job.variant,
                                           "version": job.version, "parameters": dict(job.parameters)},
                                          sort_keys=True, indent=1, default=str) + "\n", encoding="utf-8")
        return JobResult(job.variant, job.version, "built", time.perf_counter() - t0, output=job.output)
    except Exception as exc:  # noqa: BLE001  (reported, the build goes on)
        reason = _error_reason(nb, exc) if nb is not None else f"{type(exc).__name__}: {exc}"
        return JobResult(job.variant, job.version, "failed", time.perf_counter() - t0,
                         reason=reason, output=job.output)
