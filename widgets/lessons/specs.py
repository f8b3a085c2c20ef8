"""Parameter specs of every lesson (names, types, defaults, allowed values)."""

from __future__ import annotations

from widgets.core.levels import DISCS, LEVELS
from widgets.core.params import Param, ParameterSpec

#: The skin-to-lamina depth both corridor comparisons (lessons 00 and 06) take.
DEPTH_MM = Param("depth_mm", float, 50.0, "skin-to-lamina depth in mm (an assumption)",
                 minimum=20.0, maximum=120.0)

START_HERE = ParameterSpec(
    lesson="00-start-here",
    params=(
        Param(
            "tube_diameter_mm",
            int,
            16,
            "tubular retractor diameter in mm (cited sizes)",
            choices=(14, 16, 18),
        ),
        DEPTH_MM,
        Param(
            "retraction_width_mm",
            float,
            40.0,
            "open wound retraction width in mm (an assumption)",
            minimum=20.0,
            maximum=80.0,
        ),
    ),
)

SPINAL_ANATOMY = ParameterSpec(
    lesson="01-spinal-anatomy",
    params=(
        Param(
            "level",
            str,
            "L4",
            "vertebra shown first in the 3-D explorer",
            choices=LEVELS,
        ),
        Param(
            "part",
            str,
            "pedicles",
            "part highlighted first",
            choices=(
                "body", "pedicles", "lamina", "facets", "spinous process",
                "transverse processes", "canal", "foramen", "disc", "dural sac",
                "exiting roots", "traversing roots",
            ),
        ),
        Param(
            "series",
            str,
            "Panjabi1992",
            "published pedicle-width series that sizes the model (source key)",
            choices=(
                "Panjabi1992", "Arockiaraj2025", "Hou1993", "Krag1988", "Lien2007",
                "Makino2012", "Mitra2002", "MoncadaHabib2025", "Olsewski1990",
                "Otsuki2021", "Robertson2000", "Yu2015", "Zindrick1987",
            ),
        ),
        Param(
            "spread_sd",
            float,
            0.0,
            "population spread: SDs from the mean, where the source prints an SD",
            minimum=-2.0,
            maximum=2.0,
        ),
        Param(
            "segment",
            str,
            "L4-L5",
            "disc level for Kambin's triangle and the transpsoas view",
            choices=DISCS,
        ),
    ),
)


def _review_learner_is_a_safe_name(values: dict) -> None:
    """Check the learner id, which names a progress file (letters, digits, '_', '.', '-')."""
    from widgets.core.params import ParameterError
    from widgets.quiz.store import StoreError, check_learner

    try:
        check_learner(values["learner"])
    except StoreError as exc:
        raise ParameterError(f"parameter 'learner': {exc}") from None


REVIEW = ParameterSpec(
    lesson="90-review",
    params=(
        Param("learner", str, "student", "your learner id; it names your progress file"),
        Param("seed", int, 0, "seeds the order of the questions and of their options",
              minimum=0),
        Param("n_items", int, 10, "how many due questions the mixed quiz asks",
              minimum=1, maximum=40),
    ),
    consistency=_review_learner_is_a_safe_name,
)
