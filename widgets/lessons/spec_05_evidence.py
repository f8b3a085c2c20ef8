"""Parameters of lesson 05 (the evidence): the meta-analysis explorer and the CUSUM widget."""

from __future__ import annotations

from widgets.core.params import Param, ParameterError, ParameterSpec

#: The outcome keys of :data:`widgets.evidence.studies.OUTCOMES` (a test keeps them in step; written out
#: here so that importing the lesson specs does not load the evidence module).
OUTCOME_CHOICES = (
    "blood_loss", "length_of_stay", "operative_time", "fluoroscopy_time", "complications",
    "vertebroplasty_pain", "screw_accuracy_freehand", "screw_accuracy_fluoroscopy",
    "screw_accuracy_navigation",
)


def _measure_fits_outcome(values: dict) -> None:
    """Check the effect measure applies to the outcome (e.g. no odds ratio for blood loss)."""
    from widgets.evidence.studies import measure_for

    try:
        measure_for(values["outcome"], values["measure"])
    except ValueError as exc:
        raise ParameterError(f"parameter 'measure': {exc}") from None


EVIDENCE = ParameterSpec(
    lesson="05-evidence",
    params=(
        Param("outcome", str, "blood_loss", "outcome the meta-analysis explorer opens on",
              choices=OUTCOME_CHOICES),
        Param("measure", str, "auto", "effect measure ('auto': the outcome's usual one)",
              choices=("auto", "MD", "SMD", "OR", "RR", "PLO", "GEN")),
        Param("model", str, "REML", "pooling model: fixed effect or random effects (DL, REML)",
              choices=("fixed", "DL", "REML")),
        Param("include_flagged", bool, False,
              "also pool the studies the data-quality check flags"),
        Param("seed", int, 0, "names the simulated surgeon of the learning-curve widget",
              minimum=0, maximum=99),
        Param("curve_shape", str, "step", "shape of the simulated learning curve",
              choices=("step", "line")),
    ),
    consistency=_measure_fits_outcome,
)
