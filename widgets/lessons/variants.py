"""Run parameterised lesson variants with papermill, validating first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgets.core.params import ParameterError
from widgets.lessons.registry import get_spec

__all__ = ["run_variant"]


def run_variant(notebook: Path, output: Path, parameters: dict[str, Any], **kwargs: Any):
    """Validate ``parameters`` for the lesson, then execute it with papermill.

    A wrong name, type or value raises :class:`~widgets.core.params.ParameterError`
    before any kernel starts. The kernel validates again (the cell after
    ``parameters``), so a direct papermill call is caught too.
    """
    spec = get_spec(Path(notebook).stem)
    spec.validate(parameters, partial=True)
    output = Path(output)
    if output.resolve() == Path(notebook).resolve():
        raise ParameterError(f"the output {str(output)!r} is the lesson itself; running would"
                             " overwrite it: write the variant to another file")
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    return papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        cwd=str(Path(notebook).parent),
        kernel_name="python3",
        progress_bar=False,
        store_widget_state=False,
        **kwargs,
    )
