"""The jobs of a class build: one notebook per variant and version, and when one is up to date.

Re-running skips outputs that are up to date: beside each output a small
``.inputs.json`` file records a SHA-256 of its inputs (the lesson notebook,
the parameters, the package version and the contents of ``widgets/`` and
``data/``), and a job whose hash matches and whose outputs exist is not run
again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets.lessons.config import ClassConfig

__all__ = [
    "SIDECAR",
    "Job",
    "JobResult",
    "Plan",
    "input_hash",
    "package_fingerprint",
    "plan",
]

SIDECAR = ".inputs.json"




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
