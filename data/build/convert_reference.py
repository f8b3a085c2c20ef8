#!/usr/bin/env python3
"""Convert the shared reference dossier into the cited data tables in ``data/``.

Usage (from the repository root)::

    python data/build/convert_reference.py [DOSSIER] [--check]

``DOSSIER`` is the reference dossier folder (the one holding ``anatomy/`` and
``evidence/``); it defaults to ``../shared/reference`` relative to the
repository root. ``--check`` only runs the self-check on the files already in
``data/``.

What the script writes (and nothing else):

* ``data/tables/<name>.csv`` and ``data/tables/<name>.schema.yaml``
* ``data/references.json`` (CSL-JSON, one item per source key)
* ``data/README.md`` (table list with row counts and SHA-256 checksums)

Rules it applies (they are repeated in ``data/README.md``):

* Numbers are copied as the exact text of the dossier cell; nothing is
  rounded, averaged, converted or interpolated.
* A numeric column holds a number only when the dossier cell is one number,
  optionally followed by a parenthesised word-only qualifier such as
  ``0.6 (adjusted)``. Any other cell text goes verbatim into the companion
  ``<column>_text`` column and the numeric cell stays empty. A plain range
  ``a-b`` in a value column is also split into ``<column>_low`` / ``_high``
  (the smaller and the larger end).
* Rows whose confidence is ``derived-calculation (ours)`` are not data and are
  left out, and so are columns the dossier marks as its own arithmetic.
* Evidence source keys are built from the dossier's ``source_short`` by a
  fixed rule (see :func:`key_from_short`); one source cited in several
  places (same DOI, PMCID, PMID or citation text) gets one key.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import re
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
DEFAULT_DOSSIER = REPO_ROOT.parent / "shared" / "reference"

CONFIDENCE_FLAGS = ("read-directly", "secondary-source")
LICENCE = "CC-BY-4.0 (compilation); figures are facts from the cited sources"
TYPES = ("string", "number", "integer", "boolean")

NUM_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
INT_RE = re.compile(r"^[+-]?\d+$")
# one number followed by a parenthesised qualifier that holds no digit: "0.6 (adjusted)"
QUAL_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s+\(([^()0-9]*)\)$")
QUAL_INT_RE = re.compile(r"^([+-]?\d+)\s+\(([^()0-9]*)\)$")
RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)$")


class BuildError(RuntimeError):
    """The dossier does not fit the conversion rules (fix the rule, not the data)."""


# --------------------------------------------------------------------------------------
# reading the dossier
# --------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a dossier CSV as a list of dicts of verbatim strings."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for i, row in enumerate(reader):
            if None in row or any(v is None for v in row.values()):
                raise BuildError(f"{path.name} row {i + 2}: wrong number of cells")
            rows.append(dict(row))
    return rows


def map_confidence(label: str) -> str | None:
    """Map a dossier confidence label to the two flags (None: not data, drop the row).

    Any mention of a secondary source makes the row secondary-source (the
    conservative reading of mixed labels such as "intervention arm
    read-directly; control arm ... from secondary source").
    """
    low = label.lower()
    if "derived-calculation" in low:
        return None
    if "secondary" in low:
        return "secondary-source"
    if "read-directly" in low:
        return "read-directly"
    return None


# --------------------------------------------------------------------------------------
# cell parsing
# --------------------------------------------------------------------------------------


def parse_number(cell: str, integer: bool = False) -> tuple[str, bool]:
    """Return (numeric text or "", fully_numeric) for one dossier cell."""
    if cell == "":
        return "", True
    if (INT_RE if integer else NUM_RE).match(cell):
        return cell, True
    m = (QUAL_INT_RE if integer else QUAL_RE).match(cell)
    if m:
        return m.group(1), False
    return "", False


def split_range(cell: str) -> tuple[str, str]:
    """Return (low, high) text of a plain range "a-b" (smaller end first), else ("", "")."""
    m = RANGE_RE.match(cell)
    if not m:
        return "", ""
    a, b = m.group(1), m.group(2)
    return (a, b) if float(a) <= float(b) else (b, a)


# --------------------------------------------------------------------------------------
# table specifications
# --------------------------------------------------------------------------------------


@dataclass
class Col:
    """One output column (numeric columns may expand into _low/_high/_text companions)."""

    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: list[Any] | None = None
    src: str | None = None  # dossier column (default: same name)
    text: bool = False  # numeric: add <name>_text for non-numeric cells
    ranges: bool = False  # numeric: add <name>_low / <name>_high for "a-b"
    fill: Callable[[dict[str, str], dict[str, str]], str] | None = None  # computed column

    def expanded(self) -> list[dict[str, Any]]:
        """Return the schema entries this column produces, in order."""
        out = [self._entry(self.name, self.type, self.description, self.required)]
        if self.ranges:
            for end, word in (("low", "smaller"), ("high", "larger")):
                out.append(
                    self._entry(
                        f"{self.name}_{end}",
                        self.type,
                        f"{word} end of a range printed in the source as 'a-b' "
                        f"(the printed text, in its printed order, is in {self.name}_text); "
                        f"empty otherwise",
                        False,
                    )
                )
        if self.text:
            out.append(
                {
                    "name": f"{self.name}_text",
                    "type": "string",
                    "required": False,
                    "description": f"the dossier's cell verbatim when it is not one plain number "
                    f"(a range, a list, a ratio label, a qualifier, words); empty when "
                    f"{self.name} holds the whole cell",
                }
            )
        return out

    def _entry(self, name: str, typ: str, desc: str, required: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": name, "type": typ, "required": required}
        if self.enum is not None and name == self.name:
            entry["enum"] = list(self.enum)
        if self.unit:
            entry["unit"] = self.unit
        if self.minimum is not None and typ in ("number", "integer"):
            entry["minimum"] = self.minimum
        if self.maximum is not None and typ in ("number", "integer"):
            entry["maximum"] = self.maximum
        entry["description"] = desc
        return entry


@dataclass
class Table:
    """One output table: where its rows come from and what its columns are."""

    name: str
    title: str
    description: str
    source_file: str  # relative to the dossier
    provenance: str
    row_unit: str  # what one row is (for the README)
    columns: list[Col]
    primary_key: list[str] = field(default_factory=list)
    row_filter: Callable[[dict[str, str]], bool] | None = None
    kind: str = "anatomy"  # anatomy | evidence


def src_key_col() -> Col:
    """Return the source_key column."""
    return Col("source_key", required=True, description="key into data/references.json")


def conf_col() -> Col:
    """Return the two-valued confidence column."""
    return Col(
        "confidence",
        required=True,
        enum=list(CONFIDENCE_FLAGS),
        description="read-directly: read in the source itself (abstract, article or table "
        "page); secondary-source: read in someone else's transcription or summary - label "
        "it as such to students",
    )


def conf_detail_col() -> Col:
    """Return the column keeping the dossier's own confidence label."""
    return Col(
        "confidence_detail",
        src="confidence",
        required=True,
        description="the dossier's own, finer confidence label, verbatim",
    )


def source_label_col() -> Col:
    """Return the column keeping the dossier's source_short verbatim."""
    return Col(
        "source_label",
        src="source_short",
        description="the dossier's short source label, verbatim (source_key is derived from it)",
    )


def notes_col(desc: str = "the dossier's notes, verbatim: what exactly was read, caveats") -> Col:
    """Return the notes column."""
    return Col("notes", description=desc)


LUMBAR_LEVELS = ["L1", "L2", "L3", "L4", "L5"]
SUBGROUPS = ["all", "left", "right", "male", "female"]


def morph_columns(with_region: bool) -> list[Col]:
    """Return the columns of lumbar_morphometry (or, with region, spine_morphometry)."""
    cols: list[Col] = []
    if with_region:
        cols.append(
            Col(
                "region",
                required=True,
                enum=["cervical", "thoracic", "thoracolumbar", "lumbar"],
                description="spinal region as labelled in the dossier",
            )
        )
    cols += [
        Col(
            "level",
            required=True,
            enum=None if with_region else LUMBAR_LEVELS,
            description="vertebral level"
            + (
                "; may be a span (T1-L5, C3-C7), a pooled group or a disc level, exactly as in the dossier"
                if with_region
                else " (one vertebra)"
            ),
        ),
        Col("measure", required=True, description="machine name of the quantity measured"),
        Col("definition", description="how the source defines the measure (or a qualitative finding)"),
        Col(
            "subgroup",
            required=True,
            enum=SUBGROUPS,
            description="all, a side (left/right pedicle or facet) or a sex",
        ),
    ]
    if with_region:
        cols.append(
            Col(
                "value",
                type="number",
                minimum=-90,
                maximum=500,
                text=True,
                ranges=True,
                description="the published figure (mean unless the definition says otherwise), "
                "in the row's unit; empty for qualitative rows and for cells that are not one "
                "number (see value_text)",
            )
        )
    else:
        cols.append(
            Col(
                "value",
                type="number",
                required=True,
                minimum=-90,
                maximum=500,
                description="the published figure (mean unless the definition says otherwise), "
                "in the row's unit (mm, deg, mm2, % or ratio; negative only for angles)",
            )
        )
    cols += [
        Col(
            "sd",
            type="number",
            minimum=0,
            maximum=50,
            description="standard deviation, only where the source reports an SD (same unit "
            "as value); never computed from an SEM",
        ),
        Col(
            "other_dispersion",
            description="any other dispersion, labelled as printed (SEM, pooled SE, range, CI, unlabelled)",
        ),
        Col("n", description="sample size as printed (spines, patients, pedicles, studies...)"),
        Col(
            "unit",
            required=not with_region,
            enum=None if with_region else ["mm", "mm2", "deg", "%", "ratio"],
            description="unit of value and sd for this row (mm, deg, mm2, %, ratio...)",
        ),
        Col("method", description="imaging or specimen method"),
        src_key_col(),
        conf_col(),
        notes_col(),
    ]
    for c in cols:
        if c.name == "source_key":
            c.src = "source_short"
    return cols


def is_single_lumbar(row: dict[str, str]) -> bool:
    """Tell whether a morphometry row belongs to lumbar_morphometry (one lumbar vertebra)."""
    return row["region"] == "lumbar" and row["level"] in LUMBAR_LEVELS + ["S1"]


STUDY_LEVEL_COLUMNS = [
    Col("study", required=True, description="study label as in the dossier (first author, journal)"),
    Col(
        "year",
        type="integer",
        minimum=1950,
        maximum=2030,
        text=True,
        description="publication year (year_text keeps flags such as '(verify)')",
    ),
    Col("design", description="study design as described in the dossier"),
    Col("population", description="patients and procedure"),
    Col("outcome", required=True, description="outcome measured"),
    Col("unit", required=True, description="unit of the means and SDs"),
    Col(
        "mis_mean",
        type="number",
        minimum=0,
        text=True,
        description="MIS arm mean (or median, see statistic_type)",
    ),
    Col("mis_sd", type="number", minimum=0, description="MIS arm SD; empty when not reported"),
    Col("mis_n", type="integer", minimum=1, description="MIS arm size"),
    Col(
        "open_mean",
        type="number",
        minimum=0,
        text=True,
        description="open arm mean (or median, see statistic_type)",
    ),
    Col("open_sd", type="number", minimum=0, description="open arm SD; empty when not reported"),
    Col("open_n", type="integer", minimum=1, description="open arm size"),
    Col("statistic_type", description="what the arm summaries are: mean (SD), median (IQR)..."),
    Col("p_value", description="p value as printed (may be an inequality or NS)"),
    src_key_col(),
    conf_col(),
    conf_detail_col(),
    Col(
        "usable_for_meta_analysis",
        description="the dossier's verdict on pooling this row (yes / no, and why)",
    ),
    notes_col(),
]


def _copy(cols: list[Col]) -> list[Col]:
    return [Col(**{k: getattr(c, k) for k in c.__dataclass_fields__}) for c in cols]


def outcomes_effect_measure(src: dict[str, str], out: dict[str, str]) -> str:
    """Classify pooled_difference from labels printed in the same row (never guessed)."""
    cell = src["pooled_difference"].strip()
    unit = src["unit"].lower()
    if re.match(r"^RR [+-]?\d", cell):
        return "risk ratio"
    if re.match(r"^OR [+-]?\d", cell):
        return "odds ratio"
    has_or = "odds ratio" in unit
    has_rr = "risk ratio" in unit or "relative risk" in unit
    if out.get("pooled_difference"):
        if has_or and has_rr:
            return "ratio"
        if has_or:
            return "odds ratio"
        if has_rr:
            return "risk ratio"
        return "difference"
    return ""


def outcomes_pooled(src: dict[str, str]) -> tuple[str, str]:
    """pooled_difference: plain number, "RR x" / "OR x", or text only."""
    cell = src["pooled_difference"]
    num, whole = parse_number(cell)
    if num or whole:
        return num, ("" if whole else cell)
    m = re.match(r"^(?:RR|OR) ([+-]?\d+(?:\.\d+)?)$", cell)
    if m:
        return m.group(1), cell
    return "", cell


def screw_value(src: dict[str, str]) -> dict[str, str]:
    """Split screw_accuracy.value into accuracy % / range / ratio, keeping the text."""
    cell = src["value"]
    out = {"accuracy_pct": "", "accuracy_pct_low": "", "accuracy_pct_high": "", "ratio_type": "", "ratio": ""}
    m = re.match(r"^(\d+(?:\.\d+)?)%$", cell)
    if m:
        out["accuracy_pct"] = m.group(1)
        return out
    m = re.match(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)%$", cell)
    if m:
        lo, hi = m.group(1), m.group(2)
        if float(lo) > float(hi):
            lo, hi = hi, lo
        out["accuracy_pct_low"], out["accuracy_pct_high"] = lo, hi
        return out
    m = re.match(r"^(OR|RR) (\d+(?:\.\d+)?)$", cell)
    if m:
        out["ratio_type"], out["ratio"] = m.group(1), m.group(2)
    return out


TABLES: list[Table] = [
    Table(
        name="lumbar_morphometry",
        title="Lumbar vertebral morphometry, L1-L5",
        description=(
            "One row is one published figure for one lumbar vertebra (L1 to L5): one measure, "
            "one subgroup (all, left/right side, or sex) and one source. Pedicle widths come "
            "from many published series, so the same level and measure recur once per source; "
            "show the spread rather than one true value. Caveats: Panjabi 1992 reports mean "
            "+/- SEM over 12 spines, not SD (SEM is in other_dispersion; no SD is derived "
            "from it); Bonczar 2024 dispersion is a pooled SE; 'pedicle width' mixes outer "
            "(cortical) and endosteal (Makino 2012) widths and different planes; the Yu 2015 "
            "widths are midpoints of published ranges computed by the transcribing repository "
            "(see notes). Rows spanning "
            "several levels (L1-L5 ranges, trends) and disc-level rows are in "
            "spine_morphometry. No S1 rows exist in the dossier."
        ),
        source_file="anatomy/vertebra_morphometry.csv",
        provenance="shared reference dossier, anatomy/vertebra_morphometry.csv "
        "(rows with region == lumbar and a single level L1-L5)",
        row_unit="one figure: level x measure x subgroup x source",
        columns=morph_columns(with_region=False),
        primary_key=["level", "measure", "subgroup", "source_key"],
        row_filter=is_single_lumbar,
    ),
    Table(
        name="spine_morphometry",
        title="Cervical and thoracic vertebral morphometry, and multi-level rows",
        description=(
            "One row is one published figure (or a qualitative finding) for a cervical or "
            "thoracic level, or for a span of levels (e.g. T1-L5, C3-C7, L1-L5 ranges and "
            "trends, lumbar disc-level canal diameters). Together with lumbar_morphometry it "
            "holds every row of the dossier's vertebra_morphometry.csv exactly once. Thoracic "
            "and cervical data are mostly end points from abstracts; no full per-level T1-T12 "
            "or C3-C7 table exists here. Panjabi 1991 reports SEM, not SD. Ranges printed as "
            "'a-b' are split into value_low/value_high with the text kept in value_text; "
            "'54.0-50.2' (LumbarScrewSel2019) is printed high-to-low and its level order is "
            "not stated in the source."
        ),
        source_file="anatomy/vertebra_morphometry.csv",
        provenance="shared reference dossier, anatomy/vertebra_morphometry.csv "
        "(all rows not in lumbar_morphometry)",
        row_unit="one figure or finding: level (or span) x measure x subgroup x source",
        columns=morph_columns(with_region=True),
        primary_key=["region", "level", "measure", "definition", "subgroup", "source_key"],
        row_filter=lambda r: not is_single_lumbar(r),
    ),
    Table(
        name="disc_height",
        title="Lumbar intervertebral disc height by level and sex",
        description=(
            "One row is one published disc height for one disc level (T12-L1 to L5-S1), one "
            "subgroup (all, male, female) and one source, from five series (Shin 2024 CT n=700, "
            "Bach 2019, Yadav 2020, Twomey 1985, Busscher 2010), plus one qualitative row "
            "(Gulek 2007). Definitions differ between series (central height, mean of three "
            "heights, mid-sagittal area/depth): compare within a series. Almost all rows are "
            "secondary transcriptions. Bach 2019 dispersion type is unlabelled (kept in "
            "other_dispersion); Yadav 2020 female L3-L4 SD 6.87 looks like a typo in the "
            "source or transcription (kept as printed)."
        ),
        source_file="anatomy/disc_height.csv",
        provenance="shared reference dossier, anatomy/disc_height.csv (all rows)",
        row_unit="one disc height: disc level x subgroup x source",
        columns=[
            Col(
                "level",
                required=True,
                description="disc level (e.g. L4-L5), or a span for the qualitative row",
            ),
            Col("measure", required=True, enum=["disc_height", "disc_height_trend"], description="quantity"),
            Col("definition", description="how the source measures disc height"),
            Col("subgroup", required=True, enum=["all", "male", "female"], description="all or sex"),
            Col(
                "value",
                type="number",
                unit="mm",
                minimum=0,
                maximum=30,
                description="disc height in mm; empty for the qualitative row",
            ),
            Col("sd", type="number", unit="mm", minimum=0, maximum=10, description="SD where reported"),
            Col("other_dispersion", description="dispersion of unlabelled type, as printed"),
            Col("n", type="integer", minimum=1, description="subjects in the series"),
            Col("unit", description="unit of value (mm); empty for the qualitative row"),
            Col("method", description="imaging or specimen method and population"),
            src_key_col(),
            conf_col(),
            notes_col(),
        ],
        primary_key=["level", "measure", "subgroup", "source_key"],
    ),
    Table(
        name="lordosis_segmental",
        title="Segmental and total lumbar lordosis",
        description=(
            "One row is one published lordosis angle for one segment (or the whole lumbar "
            "spine), one subgroup and one source. Sci Rep 2022 Table 2 (n=324, read directly) "
            "gives L1-L2 to L5-S1 by pelvic-incidence group; Yukawa 2019 gives standing and "
            "recumbent totals. Sign conventions differ: most sources give lordosis as positive "
            "degrees, but Hyun 2019 and the CBP summary use negative = lordosis (see notes). "
            "The CBP rows come from a clinic blog summary (secondary-source)."
        ),
        source_file="anatomy/lordosis_segmental.csv",
        provenance="shared reference dossier, anatomy/lordosis_segmental.csv (all rows)",
        row_unit="one angle: segment x measure x subgroup x posture x source",
        columns=[
            Col("segment", required=True, description="motion segment or span, as in the dossier"),
            Col(
                "measure", required=True, description="segmental, local or total lordosis, or rotation angle"
            ),
            Col("subgroup", required=True, description="population subgroup as labelled in the source"),
            Col(
                "value",
                type="number",
                required=True,
                unit="deg",
                minimum=-90,
                maximum=90,
                description="angle in degrees, with the source's sign convention",
            ),
            Col("sd", type="number", unit="deg", minimum=0, maximum=30, description="SD where reported"),
            Col(
                "other_dispersion",
                description="other figures printed with the angle (share of total lordosis)",
            ),
            Col("n", type="integer", minimum=1, description="subjects"),
            Col("unit", required=True, enum=["deg"], description="unit of value"),
            Col("posture_method", description="posture and imaging, as captured"),
            src_key_col(),
            conf_col(),
            notes_col(),
        ],
        primary_key=["segment", "measure", "subgroup", "posture_method", "source_key"],
    ),
    Table(
        name="kambin_triangle",
        title="Kambin's triangle (triangular working zone) dimensions and maximum cannula size",
        description=(
            "One row is one published dimension of the transforaminal working zone at one "
            "level, one side and one source: cadaveric working-zone base/height/hypotenuse "
            "(Can 2020), MRI-based maximum cannula diameter in the bony and neural triangle "
            "(Pairaiturkar 2019), inscribed-circle diameters (Kumari 2021), MR-neurography "
            "trapezoid areas, and MRI distances. Bony and neural triangles are different "
            "definitions; compare like with like."
        ),
        source_file="anatomy/kambin_triangle.csv",
        provenance="shared reference dossier, anatomy/kambin_triangle.csv (all rows)",
        row_unit="one dimension: level x measure x side x source",
        columns=[
            Col("level", required=True, description="disc level or root, as in the dossier"),
            Col("measure", required=True, description="machine name of the dimension"),
            Col("definition", description="how the source defines it (or a qualitative finding)"),
            Col(
                "side",
                required=True,
                enum=["all", "left", "right", "bilateral mean"],
                description="side measured",
            ),
            Col(
                "value",
                type="number",
                minimum=0,
                maximum=500,
                description="the published figure in the row's unit; empty for the qualitative row",
            ),
            Col("sd", type="number", minimum=0, maximum=50, description="SD where reported"),
            Col("n", description="sample as printed"),
            Col("unit", description="unit of value (mm, mm2, deg)"),
            Col("method", description="specimen or imaging method"),
            src_key_col(),
            conf_col(),
            notes_col(),
        ],
        primary_key=["level", "measure", "side", "source_key"],
    ),
    Table(
        name="transpsoas_safe_zones",
        title="Lumbar plexus position and safe zones for the lateral transpsoas approach",
        description=(
            "One row is one published finding about the lumbar plexus or neighbouring organs "
            "relative to the disc at one level (or span) in one source: Benglis 2009 plexus "
            "position as a fraction of disc length from its posterior edge, Spivak 2013 psoas "
            "coverage, Davis 2011 femoral-nerve counts, zone-based safe areas, kidney distances "
            "and CT distances. Zone numbering schemes differ between sources (see zone_scheme). "
            "Many findings are words or counts (value_text); value holds a number only when the "
            "source printed one."
        ),
        source_file="anatomy/transpsoas_safe_zones.csv",
        provenance="shared reference dossier, anatomy/transpsoas_safe_zones.csv (all rows)",
        row_unit="one finding: level x zone scheme x finding x source",
        columns=[
            Col("level", required=True, description="disc level or span, as in the dossier"),
            Col("zone_scheme", description="how the source divides the disc or psoas"),
            Col("finding", required=True, description="what was measured or found"),
            Col(
                "value",
                type="number",
                minimum=0,
                maximum=100,
                text=True,
                ranges=True,
                description="the published number in the row's unit; empty when the finding "
                "is words, a count such as 13/18, or several numbers (see value_text)",
            ),
            Col("unit", description="unit of value as printed"),
            Col("n", description="sample as printed"),
            Col("method", description="specimen or imaging method"),
            src_key_col(),
            conf_col(),
            notes_col(),
        ],
        primary_key=["level", "zone_scheme", "finding", "source_key"],
    ),
    Table(
        name="instruments",
        title="MISS instrument dimensions: tubes, endoscopes, cannulas, guidewires, screws, cages",
        description=(
            "One row is one published instrument parameter in one source: tubular retractor "
            "diameters (Kulkarni 2019: 14/16/18 mm), endoscope diameters, cannula sizes, "
            "guidewire diameter, screw-size rules and cage sizes. Several cells hold two "
            "sizes or a rule rather than one number; they are kept verbatim in value_text and "
            "value stays empty. The incision-size row is a mean difference (MIS minus "
            "standard) whose unit was not shown in the abstract."
        ),
        source_file="anatomy/instruments.csv",
        provenance="shared reference dossier, anatomy/instruments.csv (all rows)",
        row_unit="one parameter of one instrument in one source",
        columns=[
            Col("item", required=True, description="instrument or implant"),
            Col("parameter", required=True, description="which dimension or rule"),
            Col(
                "value",
                type="number",
                minimum=-10,
                maximum=200,
                text=True,
                ranges=True,
                description="the published number in the row's unit (negative only for the "
                "incision mean difference); empty when the cell is not one number",
            ),
            Col("unit", description="unit of value as printed"),
            Col("context", description="procedure and study context"),
            src_key_col(),
            conf_col(),
            notes_col(),
        ],
        primary_key=[],
    ),
    # ------------------------------------------------------------------ evidence
    Table(
        name="outcomes_mis_vs_open",
        title="MIS vs open surgery: pooled and trial-level comparisons",
        description=(
            "One row is one MIS vs open comparison of one outcome in one source (meta-analysis, "
            "systematic review, RCT or cohort): MIS-TLIF vs open TLIF, surgical site infection, "
            "discectomy techniques, cost. DIRECTION CONVENTION: wherever pooled_difference holds "
            "a number, it and its ci_low/ci_high are MIS minus open when effect_measure is "
            "'difference' (negative = less with MIS) and MIS relative to open when "
            "effect_measure is a ratio (below 1 = less with MIS); when two minimally invasive "
            "techniques are compared (PTED vs MED) the first-named takes the MIS side. Where "
            "pooled_difference is empty, the CI belongs to the estimate described in "
            "pooled_difference_text and notes, and its direction may be reversed: Ee 2014 "
            "('OR 5.77 for open vs MIS'), Lucio 2012 (a saving, open minus MIS) and Gadjradj "
            "2022 ('7.1 in favour of PTED'); the Zhai 2024 CIs (no point estimate printed) are "
            "MIS minus open. Cells that are words or several numbers are kept verbatim in the "
            "*_text columns. Do not pool the meta-analyses with each other: they share primary "
            "studies."
        ),
        source_file="evidence/outcomes_mis_vs_open.csv",
        provenance="shared reference dossier, evidence/outcomes_mis_vs_open.csv (all rows)",
        row_unit="one outcome comparison in one source",
        kind="evidence",
        columns=[
            Col("topic", required=True, description="comparison family"),
            Col("procedure", required=True, description="procedure and population"),
            Col("outcome", required=True, description="outcome compared"),
            Col("unit", description="unit of the arm values and of a difference (or the ratio type)"),
            Col(
                "mis_value",
                type="number",
                minimum=0,
                text=True,
                description="MIS arm value when one number was printed",
            ),
            Col(
                "open_value",
                type="number",
                minimum=0,
                text=True,
                description="open arm value when one number was printed",
            ),
            Col(
                "pooled_difference",
                type="number",
                minimum=-100000,
                maximum=100000,
                text=True,
                description="MIS minus open (difference) or MIS vs open (ratio), see "
                "effect_measure; 'RR x' / 'OR x' cells give x here and keep the label in "
                "pooled_difference_text",
            ),
            Col(
                "effect_measure",
                enum=["difference", "risk ratio", "odds ratio", "ratio"],
                description="what pooled_difference and its CI measure, read from the row's own "
                "labels: an RR/OR prefix, or 'odds ratio' / 'risk ratio' / 'relative risk' in "
                "unit ('ratio' when the unit names both); otherwise 'difference' (MIS minus "
                "open); empty when pooled_difference is empty",
            ),
            Col("ci_low", type="number", minimum=-100000, maximum=100000, description="lower 95% CI bound"),
            Col("ci_high", type="number", minimum=-100000, maximum=100000, description="upper 95% CI bound"),
            Col("n_studies", description="number (and design) of studies, as printed"),
            Col("n_patients", description="patients, as printed (may give arm sizes)"),
            src_key_col(),
            source_label_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
    ),
    Table(
        name="study_level_blood_loss",
        title="Study-level MIS vs open TLIF: estimated blood loss",
        description=(
            "One row is one comparative study of MIS (or mini-open) vs open TLIF with arm "
            "means, SDs and sizes for intraoperative blood loss, ready for a random-effects "
            "meta-analysis demo. Only Rodriguez-Vela 2009 and Wu 2018 are full-quality rows; "
            "Rahman 2025 has implausibly small SDs (a study-quality teaching example) and "
            "Rampersaud 2011 lacks SDs. See usable_for_meta_analysis."
        ),
        source_file="evidence/study_level_blood_loss.csv",
        provenance="shared reference dossier, evidence/study_level_blood_loss.csv (all rows)",
        row_unit="one study arm pair (MIS vs open) for one outcome",
        kind="evidence",
        columns=_copy(STUDY_LEVEL_COLUMNS),
        primary_key=["study", "outcome"],
    ),
    Table(
        name="study_level_length_of_stay",
        title="Study-level MIS vs open TLIF: length of hospital stay",
        description=(
            "One row is one comparative study of MIS vs open TLIF with arm summaries for "
            "length of stay in days. Adogwa 2011 reports medians (IQR), kept verbatim in "
            "mis_mean_text/open_mean_text (they are not means); Serban 2017 and Rampersaud "
            "2011 lack SDs."
        ),
        source_file="evidence/study_level_length_of_stay.csv",
        provenance="shared reference dossier, evidence/study_level_length_of_stay.csv (all rows)",
        row_unit="one study arm pair (MIS vs open) for one outcome",
        kind="evidence",
        columns=_copy(STUDY_LEVEL_COLUMNS),
        primary_key=["study", "outcome"],
    ),
    Table(
        name="study_level_operative_time",
        title="Study-level MIS vs open TLIF: operative time",
        description=(
            "One row is one comparative study of MIS vs open TLIF with arm means, SDs and "
            "sizes for operative time in minutes. Rahman 2025 is a weak source (sensitivity "
            "only)."
        ),
        source_file="evidence/study_level_operative_time.csv",
        provenance="shared reference dossier, evidence/study_level_operative_time.csv (all rows)",
        row_unit="one study arm pair (MIS vs open) for one outcome",
        kind="evidence",
        columns=_copy(STUDY_LEVEL_COLUMNS),
        primary_key=["study", "outcome"],
    ),
    Table(
        name="study_level_fluoroscopy_time",
        title="Study-level MIS vs open TLIF: fluoroscopy time",
        description=(
            "One row is one comparative study of MIS vs open TLIF with arm means, SDs and "
            "sizes for fluoroscopy (X-ray) time in seconds. Only one study is available."
        ),
        source_file="evidence/study_level_fluoroscopy_time.csv",
        provenance="shared reference dossier, evidence/study_level_fluoroscopy_time.csv (all rows)",
        row_unit="one study arm pair (MIS vs open) for one outcome",
        kind="evidence",
        columns=_copy(STUDY_LEVEL_COLUMNS),
        primary_key=["study", "outcome"],
    ),
    Table(
        name="study_level_screw_accuracy",
        title="Study-level pedicle screw accuracy by technique (single-technique studies)",
        description=(
            "One row is one single-technique study (freehand, fluoroscopy-assisted or "
            "navigation) with its screw count and accuracy %, as tabulated in the Puvanesarajah "
            "2014 review (source_key is the review; study/year name the primary study). Usable "
            "for a proportion meta-analysis; accuracy definitions and imaging differ between "
            "studies and the navigation table was truncated in the source. The dossier's "
            "accurate_screws_derived column (its own arithmetic, round(accuracy% x screws)) is "
            "not carried over: compute it in the notebook and label it as a calculation."
        ),
        source_file="evidence/study_level_screw_accuracy.csv",
        provenance="shared reference dossier, evidence/study_level_screw_accuracy.csv "
        "(all rows; column accurate_screws_derived dropped)",
        row_unit="one primary study (technique x study)",
        kind="evidence",
        columns=[
            Col(
                "technique",
                required=True,
                enum=["freehand", "fluoroscopy-assisted", "navigation"],
                description="screw placement technique",
            ),
            Col("study", required=True, description="first author of the primary study"),
            Col(
                "year",
                type="integer",
                minimum=1950,
                maximum=2030,
                text=True,
                description="year of the primary study",
            ),
            Col("pathology", description="indication"),
            Col("levels", description="instrumented levels"),
            Col("patients", type="integer", minimum=1, text=True, description="patients"),
            Col("screws", type="integer", required=True, minimum=1, description="screws assessed"),
            Col(
                "accuracy_pct",
                type="number",
                required=True,
                unit="%",
                minimum=0,
                maximum=100,
                description="screws graded accurate by the study's own definition, % of screws",
            ),
            Col(
                "revision_rate_pct",
                type="number",
                unit="%",
                minimum=0,
                maximum=100,
                text=True,
                description="revision rate, % (text N/A where not reported)",
            ),
            src_key_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
        primary_key=["technique", "study"],
    ),
    Table(
        name="study_level_vertebroplasty_vs_sham",
        title="Vertebroplasty vs sham or placebo: between-group results of the controlled trials",
        description=(
            "One row is one trial x time point: the between-group pain difference with its 95% "
            "CI (Buchbinder 2009, Kallmes/INVEST 2009, VERTOS IV 2018) or, for VAPOUR 2016, a "
            "binary responder outcome. The sign convention is confirmed only for Buchbinder "
            "(positive = larger pain reduction with vertebroplasty); check direction_note before "
            "pooling. VAPOUR's binary outcome cannot be pooled with the continuous rows without "
            "conversion, and its control-arm figure is from a secondary source."
        ),
        source_file="evidence/study_level_vertebroplasty_vs_sham.csv",
        provenance="shared reference dossier, evidence/study_level_vertebroplasty_vs_sham.csv (all rows)",
        row_unit="one trial x outcome x time point",
        kind="evidence",
        columns=[
            Col("trial", required=True, description="trial label"),
            Col(
                "year",
                type="integer",
                required=True,
                minimum=1950,
                maximum=2030,
                description="publication year",
            ),
            Col("comparison", required=True, description="intervention vs control"),
            Col("outcome", required=True, description="outcome"),
            Col("scale", description="scale of the outcome (0-10, or binary)"),
            Col("timepoint", required=True, description="time after the procedure"),
            Col("n_vp", type="integer", minimum=1, text=True, description="vertebroplasty arm size"),
            Col("n_control", type="integer", minimum=1, text=True, description="control arm size"),
            Col("vp_value", description="vertebroplasty arm result as printed"),
            Col("control_value", description="control arm result as printed"),
            Col(
                "between_group_difference",
                type="number",
                minimum=-10,
                maximum=10,
                text=True,
                description="between-group difference in scale points (sign: see direction_note)",
            ),
            Col("ci_low", type="number", minimum=-10, maximum=10, description="lower 95% CI bound"),
            Col("ci_high", type="number", minimum=-10, maximum=10, description="upper 95% CI bound"),
            Col("p_value", description="p value as printed"),
            Col("direction_note", description="what a positive difference means, and how sure that is"),
            src_key_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
        primary_key=["trial", "outcome", "timepoint"],
    ),
    Table(
        name="screw_accuracy",
        title="Pedicle screw accuracy by technique: meta-analysis-level results",
        description=(
            "One row is one pooled accuracy figure or one comparative effect (technique vs "
            "comparator) from one meta-analysis or systematic review: Perdomo-Pantoja 2019 "
            "pooled accuracies, Gelalis 2012 ranges, Tian navigation odds ratios, robot vs "
            "freehand RCT meta-analyses. value_text keeps the printed figure; it is split into "
            "accuracy_pct (one %), accuracy_pct_low/high (a % range) or ratio_type + ratio "
            "(an 'OR x' / 'RR x' cell) when it has exactly that form. Pooled accuracies from "
            "single-technique studies are not head-to-head comparisons."
        ),
        source_file="evidence/screw_accuracy.csv",
        provenance="shared reference dossier, evidence/screw_accuracy.csv (all rows)",
        row_unit="one pooled figure or effect: source x technique x comparator x metric",
        kind="evidence",
        columns=[
            src_key_col(),
            source_label_col(),
            Col("technique", required=True, description="technique assessed"),
            Col("comparator", description="comparator technique for ratios; empty for pooled accuracy"),
            Col("metric", required=True, description="what the figure is"),
            Col("value_text", src="value", required=True, description="the printed figure, verbatim"),
            Col(
                "accuracy_pct",
                type="number",
                unit="%",
                minimum=0,
                maximum=100,
                fill=lambda s, o: screw_value(s)["accuracy_pct"],
                description="accuracy in % when value_text is one percentage",
            ),
            Col(
                "accuracy_pct_low",
                type="number",
                unit="%",
                minimum=0,
                maximum=100,
                fill=lambda s, o: screw_value(s)["accuracy_pct_low"],
                description="smaller end when value_text is a % range",
            ),
            Col(
                "accuracy_pct_high",
                type="number",
                unit="%",
                minimum=0,
                maximum=100,
                fill=lambda s, o: screw_value(s)["accuracy_pct_high"],
                description="larger end when value_text is a % range",
            ),
            Col(
                "ratio_type",
                enum=["OR", "RR"],
                fill=lambda s, o: screw_value(s)["ratio_type"],
                description="OR or RR when value_text is 'OR x' / 'RR x' (technique vs comparator)",
            ),
            Col(
                "ratio",
                type="number",
                minimum=0,
                fill=lambda s, o: screw_value(s)["ratio"],
                description="the ratio x from 'OR x' / 'RR x'",
            ),
            Col("ci_low", type="number", minimum=0, description="lower 95% CI bound of the ratio"),
            Col("ci_high", type="number", minimum=0, description="upper 95% CI bound of the ratio"),
            Col("n_studies", description="studies, as printed"),
            Col("n_patients", type="integer", minimum=1, description="patients"),
            Col("n_screws", description="screws, as printed"),
            Col("grading_definition", description="accuracy definition or grading scale"),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
        primary_key=["source_key", "technique", "comparator", "metric"],
    ),
    Table(
        name="gertzbein_robbins_grading",
        title="Gertzbein-Robbins pedicle breach grading: original 1990 scale and the later A-E version",
        description=(
            "One row is one grade of a breach-grading scale with its breach size in mm as "
            "printed: the original 1990 scale (grades 0-3 in 2-mm steps), the modified A-E "
            "scale used in the robot and navigation literature, and the Laine 2000 CT grading "
            "for comparison. All rows were read in secondary sources. Boundary conventions "
            "(< vs <=) differ between papers, so breach sizes are kept as printed text."
        ),
        source_file="evidence/gertzbein_robbins_grading.csv",
        provenance="shared reference dossier, evidence/gertzbein_robbins_grading.csv (all rows)",
        row_unit="one grade of one scale",
        kind="evidence",
        columns=[
            Col("scale", required=True, description="grading scale"),
            Col("grade", required=True, description="grade label"),
            Col("breach_definition_mm", required=True, description="breach size in mm, as printed"),
            Col("interpretation", description="meaning of the grade"),
            src_key_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
        primary_key=["scale", "grade"],
    ),
    Table(
        name="radiation",
        title="Radiation in MISS: per-case doses, MIS vs open fluoroscopy, dose limits",
        description=(
            "One row is one published radiation figure: per-case surgeon and patient doses "
            "(Bindal 2008, Funao 2014), cadaver dose rates (Rampersaud 2000), MIS vs open "
            "fluoroscopy comparisons, learning-curve fluoroscopy, ICRP occupational and public "
            "dose limits, and the inverse-square law. Left out: the dossier's derived "
            "'cases per year' teaching calculations and its value_in_mSv column (unit "
            "conversions it computed itself, 1 mrem = 0.01 mSv), and the bare unit-conversion "
            "row, which has no cited source. Convert units in the notebook and label the result "
            "as a calculation."
        ),
        source_file="evidence/radiation.csv",
        provenance="shared reference dossier, evidence/radiation.csv (rows not flagged "
        "derived-calculation and with a cited source; column value_in_mSv dropped)",
        row_unit="one dose, time, rate, limit or rule in one source",
        kind="evidence",
        columns=[
            Col("category", required=True, description="kind of figure"),
            Col("procedure_or_context", description="procedure or setting"),
            Col("measure", required=True, description="what was measured"),
            Col("who", description="who is exposed (surgeon, patient, procedure, staff)"),
            Col(
                "value",
                type="number",
                minimum=0,
                maximum=10000,
                text=True,
                description="the published number in the row's unit; empty when the cell is "
                "words or several numbers (see value_text)",
            ),
            Col("unit", description="unit of value as printed"),
            Col("n", description="sample as printed"),
            src_key_col(),
            source_label_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
    ),
    Table(
        name="learning_curve",
        title="Learning curves in MISS: cases to plateau",
        description=(
            "One row is one learning-curve figure from one source: number of cases to reach a "
            "plateau or proficiency, or early vs late performance. Methods differ (curve "
            "fitting, CUSUM, quartiles) and most series are single-surgeon. The PETLD notes "
            "carry a published regression (operative time = 69.925 - 0.503 x case number)."
        ),
        source_file="evidence/learning_curve.csv",
        provenance="shared reference dossier, evidence/learning_curve.csv (all rows)",
        row_unit="one learning-curve figure: procedure x metric x source",
        kind="evidence",
        columns=[
            Col("procedure", required=True, description="procedure studied"),
            src_key_col(),
            source_label_col(),
            Col("design", description="study design"),
            Col("n_cases", type="integer", minimum=1, text=True, description="cases in the series"),
            Col("method", description="how the curve was analysed"),
            Col("metric", required=True, description="what was tracked"),
            Col(
                "cases_to_plateau",
                type="integer",
                minimum=0,
                maximum=1000,
                text=True,
                ranges=True,
                description="cases needed to reach the plateau, when one number was printed",
            ),
            Col("early_value", type="number", minimum=0, text=True, description="early-phase value"),
            Col("late_value", type="number", minimum=0, text=True, description="late-phase value"),
            Col("unit", description="unit of early_value and late_value"),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
    ),
    Table(
        name="recovery_milestones",
        title="Recovery after MISS: length of stay, same-day discharge, narcotic use, return to work",
        description=(
            "One row is one recovery milestone in one source, for MIS and (where given) open "
            "surgery. Several rows are words or medians (IQR), kept in the *_text columns; the "
            "time-to-ambulation row holds a difference (MIS minus open), as the dossier printed "
            "it in its MIS column. Two "
            "rows cite several sources: source_key is the first cited and other_source_keys "
            "lists the rest; one label in the last row ('Sci Rep 2020 cohort') has no citation "
            "in the dossier and is kept only in source_label."
        ),
        source_file="evidence/recovery_milestones.csv",
        provenance="shared reference dossier, evidence/recovery_milestones.csv (all rows)",
        row_unit="one milestone in one source",
        kind="evidence",
        columns=[
            Col("procedure", required=True, description="procedure or comparison"),
            Col("setting", description="setting and design"),
            Col("milestone", required=True, description="recovery measure"),
            Col("mis_value", type="number", text=True, description="MIS value when one number was printed"),
            Col(
                "open_value",
                type="number",
                minimum=0,
                text=True,
                description="open value when one number was printed",
            ),
            Col("unit", description="unit as printed"),
            Col("n", description="sample as printed"),
            src_key_col(),
            Col(
                "other_source_keys",
                description="further source keys for rows citing several sources, separated by ';'",
            ),
            source_label_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
    ),
    Table(
        name="complications_durotomy_conversion",
        title="Complications of MISS: durotomy, recurrence, revision, conversion to open",
        description=(
            "One row is one complication figure in one source. Direction differs by procedure: "
            "durotomy is less frequent with MIS in Sharma 2022 but more frequent with tubular "
            "discectomy in Dasenbrock 2012. No pooled conversion-to-open rate was found. The "
            "PELD failure percentage (Lee 2006) was computed by the dossier from 55/1586 and is "
            "therefore kept only as text."
        ),
        source_file="evidence/complications_durotomy_conversion.csv",
        provenance="shared reference dossier, evidence/complications_durotomy_conversion.csv (all rows)",
        row_unit="one complication figure in one source",
        kind="evidence",
        columns=[
            Col("complication", required=True, description="complication"),
            Col("procedure", required=True, description="procedure or comparison"),
            Col("mis_value", type="number", minimum=0, text=True, description="MIS (or single-arm) value"),
            Col("open_value", type="number", minimum=0, text=True, description="open value"),
            Col("unit", description="unit as printed"),
            Col("effect", description="effect or comparison as printed (ratio, p value, words)"),
            Col("ci_low", type="number", minimum=0, text=True, description="lower 95% CI bound"),
            Col("ci_high", type="number", minimum=0, text=True, description="upper 95% CI bound"),
            Col("n", description="sample as printed"),
            src_key_col(),
            source_label_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
    ),
    Table(
        name="trials",
        title="Landmark randomised trials and reviews in MISS and vertebral augmentation",
        description=(
            "One row is one trial (or one review, for context): design, blinding, arms and "
            "sizes, primary outcome, arm results and the between-group effect with its 95% CI "
            "as printed. Arm results are kept as printed text; between_group_effect holds a "
            "number only when one was printed (INVEST and VERTOS IV effects are in the *_text "
            "columns because several numbers are printed together)."
        ),
        source_file="evidence/trials.csv",
        provenance="shared reference dossier, evidence/trials.csv (all rows)",
        row_unit="one trial or review",
        kind="evidence",
        columns=[
            Col("trial", required=True, description="trial name"),
            Col(
                "year",
                type="integer",
                required=True,
                minimum=1950,
                maximum=2030,
                description="publication year",
            ),
            Col("topic", required=True, description="comparison"),
            Col("design", description="design"),
            Col("blinding_control", description="blinding and control procedure"),
            Col("setting", description="centres and period"),
            Col("n_randomised", type="integer", minimum=1, text=True, description="patients randomised"),
            Col("arm_intervention", description="intervention arm"),
            Col("n_intervention", type="integer", minimum=1, text=True, description="intervention arm size"),
            Col("arm_control", description="control arm"),
            Col("n_control", type="integer", minimum=1, description="control arm size"),
            Col("population", description="inclusion criteria"),
            Col("primary_outcome", description="primary outcome"),
            Col("primary_timepoint", description="primary time point"),
            Col("result_intervention", description="intervention arm result as printed"),
            Col("result_control", description="control arm result as printed"),
            Col(
                "between_group_effect",
                type="number",
                minimum=-100,
                maximum=100,
                text=True,
                description="between-group effect (intervention minus control, in the primary "
                "outcome's units) when one number was printed",
            ),
            Col(
                "ci_low",
                type="number",
                minimum=-100,
                maximum=100,
                text=True,
                description="lower 95% CI bound",
            ),
            Col(
                "ci_high",
                type="number",
                minimum=-100,
                maximum=100,
                text=True,
                description="upper 95% CI bound",
            ),
            Col("p_value", description="p value as printed"),
            Col("conclusion_short", description="the dossier's one-line summary of the result"),
            src_key_col(),
            conf_col(),
            conf_detail_col(),
            notes_col(),
        ],
        primary_key=["trial"],
    ),
]


# --------------------------------------------------------------------------------------
# source keys
# --------------------------------------------------------------------------------------

STOP_TOKENS = {
    "ma",
    "mas",
    "sr",
    "rct",
    "rcts",
    "of",
    "cohort",
    "abstract",
    "prospective",
    "cost",
    "cost-utility",
    "series",
    "review",
    "and",
    "&",
}
DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s;,\[\]]+)", re.I)
PMC_RE = re.compile(r"\bPMC\d+\b")
PMID_RE = re.compile(r"\bPMID\s*(\d+)\b")


def clean_doi(raw: str) -> str | None:
    """Trim trailing punctuation and unbalanced ')' from a DOI match; None if truncated."""
    if "..." in raw:
        return None
    doi = raw
    while doi and (doi[-1] in ".," or (doi[-1] == ")" and doi.count(")") > doi.count("("))):
        doi = doi[:-1]
    if doi.endswith("/") or "/" not in doi:
        return None
    return doi


def key_from_short(short: str) -> str:
    """Build a source key from an evidence source_short.

    Rule: drop parenthesised parts and anything after ';', split on spaces, drop
    design words (MA, SR, RCT, cohort, abstract, prospective, cost, series,
    review, and, of, &), keep only letters and digits of each token (for a
    web domain, only the part before its first dot), capitalise the first
    letter of each token and join. "Sun 2013 Chin Med J MA" -> "Sun2013ChinMedJ".
    """
    s = re.sub(r"\([^)]*\)", " ", short).split(";")[0]
    parts = []
    for tok in s.split():
        if tok.lower() in STOP_TOKENS:
            continue
        if re.match(r"^[a-z0-9-]+\.(?:org|com|net)$", tok, re.I):
            tok = tok.split(".")[0]
        tok = re.sub(r"[^A-Za-z0-9]", "", tok)
        if tok:
            parts.append(tok[0].upper() + tok[1:])
    key = "".join(parts)
    if not key:
        raise BuildError(f"source_short {short!r} gives an empty key")
    return key


def first_author_family(citation: str) -> str | None:
    """Return the first author's family name if the citation starts with one."""
    m = re.match(r"^\[?([A-Z][A-Za-z'\-]+) (?:[A-Z]{1,4}\b|et al)", citation)
    return m.group(1) if m else None


def key_from_citation(citation: str) -> str:
    """Key for a source that has no source_short anywhere: FirstAuthorYear.

    Falls back to the first web domain named in the citation, then to a hash.
    """
    fam = first_author_family(citation)
    stripped = re.sub(r"\([^)]*\)", " ", citation)
    year = re.search(r"\b(?:19|20)\d\d\b", stripped)
    if fam and year:
        return re.sub(r"[^A-Za-z0-9]", "", fam) + year.group(0)
    m = re.search(r"\b([a-z0-9-]+)\.(?:com|org|net)\b", citation)
    if m:
        return m.group(1)[0].upper() + re.sub(r"[^A-Za-z0-9]", "", m.group(1)[1:])
    return "Ref" + hashlib.sha1(citation.encode()).hexdigest()[:8]


def identity_tokens(citation: str) -> set[str]:
    """Return the tokens by which two citation strings are recognised as one source."""
    toks = set()
    for m in DOI_RE.finditer(citation):
        doi = clean_doi(m.group(1))
        if doi:
            toks.add("doi:" + doi.lower())
    for m in PMC_RE.finditer(citation):
        toks.add("pmc:" + m.group(0))
    for m in PMID_RE.finditer(citation):
        toks.add("pmid:" + m.group(1))
    head = re.split(r"\bdoi[: ]", citation, flags=re.I)[0]
    head = re.sub(r"\s+", " ", head).strip(" .").lower()
    if len(head) >= 40:
        toks.add("text:" + head)
    toks.add("full:" + citation)
    return toks


@dataclass
class SourceGroup:
    """The citation strings, labels and key of one source."""

    citations: list[str] = field(default_factory=list)  # distinct strings, first seen first
    shorts: list[str] = field(default_factory=list)
    anatomy_keys: list[str] = field(default_factory=list)
    key: str = ""


class SourceRegistry:
    """Groups citation strings that denote the same source and gives each group one key."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._cit_short: list[tuple[str, str | None, str | None]] = []  # (citation, short, anatomy key)

    def _find(self, x: str) -> str:
        while self._parent.setdefault(x, x) != x:
            self._parent[x] = self._parent[self._parent[x]]
            x = self._parent[x]
        return x

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def add(self, citation: str, short: str | None = None, anatomy_key: str | None = None) -> None:
        """Record one citation string with its dossier label or anatomy key."""
        citation = citation.strip()
        toks = sorted(identity_tokens(citation))
        for t in toks[1:]:
            self._union(toks[0], t)
        self._cit_short.append((citation, short, anatomy_key))

    def finalise(self) -> None:
        """Group the recorded citations and give each group its key."""
        groups: OrderedDict[str, SourceGroup] = OrderedDict()
        for citation, short, akey in self._cit_short:
            root = self._find("full:" + citation)
            g = groups.setdefault(root, SourceGroup())
            if citation not in g.citations:
                g.citations.append(citation)
            if short and short not in g.shorts:
                g.shorts.append(short)
            if akey and akey not in g.anatomy_keys:
                g.anatomy_keys.append(akey)
        used: dict[str, SourceGroup] = {}
        for g in groups.values():
            fams = {first_author_family(c) for c in g.citations} - {None}
            if len(fams) > 1:
                raise BuildError(
                    f"citations merged into one source name different first authors: {g.citations}"
                )
            if len(g.anatomy_keys) > 1:
                raise BuildError(f"two anatomy keys denote one source: {g.anatomy_keys}")
            if g.anatomy_keys:
                g.key = g.anatomy_keys[0]
            elif g.shorts:
                cands = sorted({key_from_short(s) for s in g.shorts}, key=lambda k: (-len(k), k))
                g.key = cands[0]
            else:
                g.key = key_from_citation(g.citations[0])
            if g.key in used:
                raise BuildError(
                    f"source key {g.key!r} would denote two sources: "
                    f"{used[g.key].citations[0]!r} and {g.citations[0]!r}"
                )
            used[g.key] = g
        self.groups = used
        self._by_citation = {c: g.key for g in used.values() for c in g.citations}

    def key(self, citation: str) -> str:
        """Return the key of the source a citation string denotes."""
        return self._by_citation[citation.strip()]


def split_citations(full: str, short: str) -> list[tuple[str, str | None]]:
    """Split a multi-source cell ("A | B | C") into (citation, short-or-None) pairs."""
    cits = [c.strip() for c in full.split(" | ")] if " | " in full else [full.strip()]
    if len(cits) == 1:
        return [(cits[0], short or None)]
    shorts = [s.strip() for s in re.split(r" / |; ", short)] if short else []
    if len(shorts) != len(cits):
        shorts = [None] * len(cits)  # type: ignore[list-item]
    return list(zip(cits, shorts, strict=True))


# --------------------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------------------

VERIFY_MARKERS = (
    "verify",
    "not captured",
    "not seen",
    "from memory",
    "not confirmed",
    "not identified",
    "not shown",
)
AUTHOR_RE = re.compile(
    r"^(?P<family>(?:(?:van|von|de|der|den|da|di|du|le|la)\s+)*[A-Z][A-Za-z'\-]+"
    r"(?:\s[A-Z][a-z][A-Za-z'\-]+)?)"
    r"\s(?P<given>[A-Z]{1,4})(?:\s(?P<suffix>Jr|Sr|II|III))?$"
)
JOURNAL_RE = re.compile(
    r"(?:^|(?<=[.?] ))(?P<journal>[A-Z][A-Za-z&'\-]*(?:\s(?:[A-Za-z&'\-]+|\([^)]*\)))*?)"
    r"\s(?P<year>(?:19|20)\d\d)(?P<rest>(?:;|\.|,|\s|$).*)$"
)

# Item types and fields the generic parser cannot read from a citation's shape.
# Every value here is copied from the citation text itself (see the note field).
CSL_OVERRIDES: dict[str, dict[str, Any]] = {
    "BMC2011_plexus3D": {"type": "article-journal"},
    "CBP_RRA_summary": {
        "type": "webpage",
        "title": "Web summary (bethesdaspineandposture.com) of a "
        "50-subject standing-radiograph lordosis study",
    },
    "CentralIndia_Cureus": {
        "type": "article-journal",
        "container-title": "Cureus",
        "title": "Thoracic pedicle morphometry of dry vertebral columns in relation "
        "to trans-pedicular fixation: a cross-sectional study from Central India",
    },
    "Elrahmany_conf": {
        "type": "paper-conference",
        "title": "The safe entry zones to lumbar disc through transpsoas approach (cadaveric study)",
    },
    "EurSpineJ2010_wedging": {
        "type": "article-journal",
        "container-title": "Eur Spine J",
        "title": "Vertebral shape sex differences, 120 F / 120 M, age 20-80 (Table 1; title not captured)",
    },
    "Gujarat2012": {
        "type": "article-journal",
        "title": "Calculation of canal/body ratio for lumbar spinal canal in dried vertebrae in Gujarat",
    },
    "MED188_PMC3931158": {
        "type": "article-journal",
        "title": "Micro-endoscopic discectomy with METRx 18 and 16 mm ports, 188 patients",
    },
    "MIDvsSD_meta_PMC4037525": {
        "type": "article-journal",
        "title": "Meta-analysis of RCTs of minimally invasive vs standard "
        "discectomy (16 trials, 2139 patients)",
    },
    "MRI67_KT": {"type": "webpage", "title": "MRI evaluation of Kambin's triangle in 67 healthy subjects"},
    "Medwin_cervical": {
        "type": "article-journal",
        "container-title": "J Hum Anat",
        "title": "Morphometric study of the vertebral body and pedicle of typical cervical "
        "vertebrae using radiological image",
    },
    "Nigeria_thoracic_pedicle": {
        "type": "article-journal",
        "title": "Morphometric evaluation of the thoracic vertebral pedicle: a cadaveric study",
    },
    "Orthovellum": {
        "type": "webpage",
        "container-title": "OrthoVellum",
        "title": "Minimally invasive tubular (paramedian) approach to the lumbar spine",
    },
    "Panama_KT": {
        "type": "webpage",
        "title": "Anatomical study of the access triangles to intervertebral disc",
    },
    "PatientFAQ_METRx": {"type": "webpage", "title": "patient Q&A on METRx minimally invasive discectomy"},
    "Providence_kidney": {
        "type": "article-journal",
        "title": "Cadaveric study of kidney proximity in extreme lateral transpsoas approach",
    },
    "Panjabi_facets_viaPatel2007": {
        "title": "A study of osteometric measurements of articular facets from C3 to S1 (part 2)",
        "author": [
            {"family": "Patel", "given": "MM"},
            {"family": "Singel", "given": "TC"},
            {"family": "Gohil", "given": "DV"},
            {"family": "Pandya", "given": "AM"},
        ],
    },
    "Thieme152case": {
        "title": "Minimally invasive transpedicular screw fixation: review of 152 cases in a "
        "single institution. Steep or shallow learning curve?"
    },
    "Rhee_OpTech": {
        "type": "chapter",
        "container-title": "Operative Techniques in Spine Surgery",
        "title": "percutaneous S2-alar-iliac screw technique (chapter 30)",
        "editor": [{"family": "Rhee"}],
    },
    "Ruetten2005": {"type": "paper-conference", "container-title": "54. Jahrestagung NOV, Hamburg 2005"},
    "Spine1989_pedicle80": {"type": "article-journal", "container-title": "Spine"},
    "TESSYS_hospital_page": {
        "type": "webpage",
        "title": "Hospital patient-information page on TESSYS transforaminal endoscopy",
    },
    "UK_cervical_CT2008": {
        "type": "paper-conference",
        "title": "Cervical pedicle CT morphometry in 54 UK subjects",
        "container-title": "J Bone Joint Surg Br",
    },
    "Seekhealthz": {
        "type": "webpage",
        "issued": None,
        "title": "secondary description (seekhealthz.com explainer) of the A-E grading",
    },
    "Laine2000": {
        "type": "article-journal",
        "container-title": "J Orthop Surg Res",
        "title": "Laine et al. 2000 CT grading, as tabulated in a C2-screw review (Table 3)",
        "author": None,
        "issued": {"date-parts": [[2020]]},
    },
    "ICRP103ICRP118": {
        "type": "report",
        "author": [{"literal": "ICRP"}],
        "title": "ICRP Publication 103 (2007) Table 6 and ICRP Publication 118 (2012) "
        "statement on tissue reactions, as summarised on ICRPaedia 'Dose limits'",
        "issued": {"date-parts": [[2007]]},
    },
    "Openanesthesia": {
        "type": "webpage",
        "container-title": "OpenAnesthesia",
        "title": "Radiation exposure vs distance",
    },
    "MuellerSMISS2018": {"type": "paper-conference", "container-title": "SMISS Annual Forum 2018"},
    "SmithISASS2013": {"type": "paper-conference", "container-title": "ISASS 2013"},
    "Rampersaud2011": {"container-title": None},
    "Lucio2012": {"container-title": None},
    "Funao2014": {"container-title": None},
    "Arts2011": {"container-title": None},
    "Klingler2015": {"container-title": None},
    "SwedishSpineRegister": {"container-title": None},
    "CurrRevMusculoskeletMed2019": {"container-title": None},
    "PETLDLearningCurve": {"container-title": None},
    "Shuman": {"container-title": None},
    "Buchbinder2018": {"type": "article-journal", "container-title": "Cochrane Database Syst Rev"},
}


def parse_authors(text: str) -> tuple[list[dict[str, str]], bool]:
    """Parse "Sun ZJ, Li WJ, Zhao Y" (ends in 'et al' or a group name allowed)."""
    authors: list[dict[str, str]] = []
    text = re.sub(r"\s*\(as listed\)\s*$", "", text.strip())
    group = None
    if ";" in text:
        text, group = [t.strip() for t in text.split(";", 1)]
    parts = [p.strip() for p in text.split(",")]
    for p in parts:
        if p in ("et al", "et al."):
            continue
        m = AUTHOR_RE.match(p)
        if m:
            a = {"family": m.group("family"), "given": m.group("given")}
            if m.group("suffix"):
                a["suffix"] = m.group("suffix")
            authors.append(a)
        elif re.match(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$", p):
            authors.append({"family": p})  # surname only, as printed
        else:
            return [], False
    if group:
        authors.append({"literal": group})
    return authors, True


def csl_item(key: str, citation: str, variants: list[str]) -> dict[str, Any]:
    """Best-effort CSL-JSON item for one citation string (note keeps it verbatim)."""
    item: dict[str, Any] = {"id": key, "type": "article-journal"}
    body = citation
    # leading "[...]" flags: "[Lee KH, Yeo W - authors from memory, verify]" or "[authors not seen]"
    bracket_authors = None
    m = re.match(r"^\[([^\]]*)\]\s*", body)
    if m:
        inner = m.group(1)
        body = body[m.end() :]
        am = re.match(r"^(.*?)(?:(?:\s+-\s+|;\s*)(?:authors|from memory|.*verify).*)?$", inner)
        cand = am.group(1).strip() if am else ""
        if cand and not cand.lower().startswith("authors not seen"):
            bracket_authors = cand
    # author block = text before the first ". " if it parses as an author list
    authors: list[dict[str, str]] = []
    rest = body
    if bracket_authors:
        authors, ok = parse_authors(re.sub(r",?\s+et al\.?$", ", et al", bracket_authors))
        if not ok:
            authors = []
    else:
        # the author block ends at the first "et al." or, failing that, the first ". "
        for m in (re.match(r"^(.*?\bet al)\.\s", body), re.match(r"^(.*?)\.\s", body)):
            if not m:
                continue
            cand = re.sub(r",?\s+et al$", ", et al", m.group(1))
            parsed, ok = parse_authors(cand)
            if ok and parsed:
                authors, rest = parsed, body[m.end() :]
                break
    if authors:
        item["author"] = authors
        if re.search(r"\bet al\b", citation.split(". ")[0]) or (
            bracket_authors and "et al" in bracket_authors
        ):
            item.setdefault("custom", {})["authors_incomplete"] = True
    # journal, year, volume, issue, pages
    rest_nodoi = re.split(r"\.?\s*\bdoi[: ]", rest, flags=re.I)[0]
    jm = None
    for cand in JOURNAL_RE.finditer(rest_nodoi):
        jm = cand
        break
    title = None
    if jm:
        journal = jm.group("journal").strip()
        title = rest_nodoi[: jm.start()].strip().rstrip(".").strip() or None
        item["container-title"] = journal
        item["issued"] = {"date-parts": [[int(jm.group("year"))]]}
        vm = re.match(
            r"^;\s*(?P<vol>\d[^(:;.]*?)?\s*(?:\((?P<issue>[^)]+)\))?(?::(?P<page>[^\s;]+?))?\.?(?:\s|$|;)",
            jm.group("rest"),
        )
        if vm:
            if vm.group("vol"):
                item["volume"] = vm.group("vol").strip()
            if vm.group("issue"):
                item["issue"] = vm.group("issue").strip()
            if vm.group("page"):
                item["page"] = vm.group("page").rstrip(".")
    else:
        y = re.search(r"\b(?:19|20)\d\d\b", re.sub(r"Phila Pa 1976", "", citation))
        if y:
            item["issued"] = {"date-parts": [[int(y.group(0))]]}
        title = re.split(r"\s-\s|;|\. ", rest_nodoi)[0].strip().rstrip(".") or None
    if title:
        item["title"] = title
    # identifiers
    for dm in DOI_RE.finditer(citation):
        doi = clean_doi(dm.group(1))
        if doi:
            item["DOI"] = doi
            break
    pm = PMC_RE.search(citation)
    if pm:
        item["PMCID"] = pm.group(0)
    pmid = PMID_RE.search(citation)
    if pmid:
        item["PMID"] = pmid.group(1)
    # web pages and meeting abstracts named as such
    low = citation.lower()
    if "conference abstract" in low or "meeting abstract" in low:
        item["type"] = "paper-conference"
    for k, v in CSL_OVERRIDES.get(key, {}).items():
        if v is None:
            item.pop(k, None)
        else:
            item[k] = v
    if "title" not in item:
        item["title"] = citation  # no title printed: the citation itself stands in
        item.setdefault("custom", {})["title_is_citation"] = True
    item["note"] = citation
    if variants:
        item.setdefault("custom", {})["also_cited_as"] = variants
    if any(mk in low for mk in VERIFY_MARKERS) or any(
        mk in v.lower() for v in variants for mk in VERIFY_MARKERS
    ):
        item.setdefault("custom", {})["verify"] = True
    order = [
        "id",
        "type",
        "title",
        "author",
        "editor",
        "container-title",
        "issued",
        "volume",
        "issue",
        "page",
        "DOI",
        "PMCID",
        "PMID",
        "URL",
        "note",
        "custom",
    ]
    return {k: item[k] for k in order if k in item}


# --------------------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------------------


@dataclass
class Built:
    """One converted table: header, rows, schema, dropped rows and their dossier rows."""

    table: Table
    header: list[str]
    rows: list[list[str]]
    schema: dict[str, Any]
    dropped: list[str]
    origin: list[dict[str, str]]  # the dossier row behind each output row


def output_columns(table: Table) -> list[dict[str, Any]]:
    """Return the schema entries of a table, companions included."""
    out = []
    for c in table.columns:
        out.extend(c.expanded())
    return out


def build_row(table: Table, src: dict[str, str], registry: SourceRegistry, prev_full: str) -> dict[str, str]:
    """Convert one dossier row into one output row (a dict keyed by column name)."""
    out: dict[str, str] = {}
    full = src.get("source_full", "")
    if full == "as above":
        full = prev_full
    for c in table.columns:
        s = c.src or c.name
        if c.name == "source_key":
            if table.kind == "anatomy":
                out["source_key"] = src["source_short"]
            else:
                cits = split_citations(full, src.get("source_short", ""))
                out["source_key"] = registry.key(cits[0][0])
                if len(cits) > 1:
                    if not any(col.name == "other_source_keys" for col in table.columns):
                        raise BuildError(
                            f"{table.name}: a row cites several sources but the table "
                            f"has no other_source_keys column"
                        )
                    out["other_source_keys"] = ";".join(registry.key(ci) for ci, _ in cits[1:])
            continue
        if c.name == "other_source_keys":
            out.setdefault("other_source_keys", "")
            continue
        if c.name == "confidence":
            flag = map_confidence(src["confidence"])
            assert flag is not None
            out["confidence"] = flag
            continue
        if c.fill is not None:
            out[c.name] = c.fill(src, out)
            continue
        if table.name == "outcomes_mis_vs_open" and c.name == "pooled_difference":
            out["pooled_difference"], out["pooled_difference_text"] = outcomes_pooled(src)
            continue
        if table.name == "outcomes_mis_vs_open" and c.name == "effect_measure":
            continue  # filled after the CI columns are known
        cell = src[s]
        if c.type in ("number", "integer"):
            num, whole = parse_number(cell, integer=(c.type == "integer"))
            if not whole and not c.text:
                raise BuildError(
                    f"{table.name}: column {c.name} cell {cell!r} is not a number "
                    f"and the column has no _text companion"
                )
            out[c.name] = num
            if c.ranges:
                lo, hi = split_range(cell) if not whole else ("", "")
                out[f"{c.name}_low"], out[f"{c.name}_high"] = lo, hi
            if c.text:
                out[f"{c.name}_text"] = "" if whole else cell
        else:
            out[c.name] = cell
    if table.name == "outcomes_mis_vs_open":
        out["effect_measure"] = outcomes_effect_measure(src, out)
    return out


def build_table(table: Table, dossier: Path, registry: SourceRegistry) -> Built:
    """Convert one dossier file into one table."""
    src_rows = read_csv(dossier / table.source_file)
    header = [c["name"] for c in output_columns(table)]
    rows, dropped, origin = [], [], []
    prev_full = ""
    for i, src in enumerate(src_rows):
        line = i + 2
        full = src.get("source_full", "")
        this_full = prev_full if full == "as above" else full
        if table.row_filter is not None and not table.row_filter(src):
            prev_full = this_full
            continue
        flag = map_confidence(src["confidence"])
        if flag is None:
            why = (
                "flagged derived-calculation (ours): the dossier's own arithmetic, not data"
                if "derived-calculation" in src["confidence"].lower()
                else f"confidence {src['confidence']!r} is neither read-directly nor secondary-source "
                f"(no cited source)"
            )
            dropped.append(
                f"{table.source_file} line {line} ({src.get('measure') or src.get('outcome') or ''}): {why}"
            )
            prev_full = this_full
            continue
        out = build_row(table, src, registry, prev_full)
        rows.append([out[h] for h in header])
        origin.append(src)
        prev_full = this_full
    schema = {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "provenance": table.provenance,
        "licence": LICENCE,
    }
    if table.primary_key:
        schema["primary_key"] = list(table.primary_key)
    schema["columns"] = output_columns(table)
    return Built(table, header, rows, schema, dropped, origin)


def register_sources(dossier: Path, registry: SourceRegistry) -> None:
    """Feed every citation the tables use (and the anatomy source list) to the registry."""
    for row in read_csv(dossier / "anatomy" / "sources.csv"):
        registry.add(row["source_full"], anatomy_key=row["source_short"])
    for table in TABLES:
        if table.kind != "evidence":
            continue
        prev_full = ""
        for src in read_csv(dossier / table.source_file):
            full = src.get("source_full", "")
            if full == "as above":
                full = prev_full
            prev_full = full
            if map_confidence(src["confidence"]) is None:
                continue
            for cit, short in split_citations(full, src.get("source_short", "")):
                registry.add(cit, short=short)
    registry.finalise()


def check_anatomy_sources(dossier: Path) -> None:
    """Anatomy rows must cite exactly the sources.csv string of their key."""
    src = {r["source_short"]: r["source_full"] for r in read_csv(dossier / "anatomy" / "sources.csv")}
    for table in TABLES:
        if table.kind != "anatomy":
            continue
        for i, row in enumerate(read_csv(dossier / table.source_file)):
            k = row["source_short"]
            if src.get(k) != row["source_full"]:
                raise BuildError(f"{table.source_file} line {i + 2}: {k} citation differs from sources.csv")


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str_repr(dumper: yaml.SafeDumper, data: str):
    if len(data) > 80 and "\n" not in data and data == data.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_repr)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV file (UTF-8, comma, LF line ends, minimal quoting)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    """Write a schema as YAML, long strings folded."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


README_HEAD = """\
# Data: cited tables for the MISS lessons

Generated by `data/build/convert_reference.py` from the shared reference dossier
(default location `../shared/reference` relative to the repository root). Do not edit the
tables, schemas, `references.json` or this file by hand: fix the dossier or the script and
run

    python data/build/convert_reference.py            # convert, then self-check
    python data/build/convert_reference.py --check    # self-check only

`widgets.data.load_table(name)` reads a table and checks it against its schema.

## Tables

Each table is `tables/<name>.csv` (UTF-8, comma-separated, header row) with
`tables/<name>.schema.yaml` describing every column (type, unit, allowed values and range,
meaning) and the table's provenance. SHA-256 is of the CSV file as written.

"""

README_TAIL = """\

## Confidence flags

Every row has `source_key` (resolves in `references.json`) and `confidence`:

- `read-directly`: the number was read in the source itself (its abstract, article page or a
  table page).
- `secondary-source`: the number was read in someone else's transcription or summary (mostly
  the CSV transcriptions in the GitHub repository Gregory-Schwing-MD-PhD/CTSpinoPelvic1K, and a
  few teaching pages or blogs). Lessons label these rows to students as secondary-source
  figures, and they should be checked against the primary paper before being relied on.

Evidence tables also keep the dossier's finer label verbatim in `confidence_detail` (for
example `read-directly (abstract, truncated)`, `read-in-secondary-source`). A label that
mentions any secondary source maps to `secondary-source`. Citations whose bibliographic
details were recalled rather than read carry `[verify]`-type flags in their `note` and
`"custom": {"verify": true}` in `references.json`.

## What is never stored

- **Interpolated values.** Where a source published only the end points of a trend (L1 and
  L5, say), only those end points are stored. Any value in between is an interpolation: a
  notebook may compute it, and must label it as one.
- **Derived calculations.** Rows the dossier flags `derived-calculation (ours)` are left out,
  and so are columns holding the dossier's own arithmetic (`value_in_mSv` in radiation,
  `accurate_screws_derived` in study_level_screw_accuracy). No SD is computed from an SEM.
- **Invented numbers.** Every number is the exact text of a dossier cell (or the exact part
  of one, see below). Nothing is rounded, averaged or converted.

Rows left out:

{dropped}

Kept, but with a number the dossier computed itself inside a text cell only (never in a
numeric column): `complications_durotomy_conversion` Lee 2006 `3.5 (55/1586)` (the % is the
dossier's), `outcomes_mis_vs_open` Li 2018 `n_patients` `564 (derived: ...)`, and
`instruments` `16; ~25` (an inch converted to mm).

## Conventions beyond the schema format

- The dossier's `vertebra_morphometry.csv` is split in two: `lumbar_morphometry` holds the
  rows with region `lumbar` and a single level L1-L5 (the dossier has no S1 rows);
  `spine_morphometry` holds every other row (cervical, thoracic, thoracolumbar, and lumbar
  spans such as `L1-L5` or disc-level rows), with the `region` column kept.
- Anatomy tables have no `confidence_detail`: the anatomy dossier uses only the two flags and
  says in `notes` what exactly was read.
- A numeric column holds a number only when the dossier cell is one plain number, or one
  number followed by a parenthesised qualifier without digits (`0.6 (adjusted)`,
  `2011 (verify)`). Otherwise the numeric cell is empty and the cell is kept verbatim in the
  companion column `<column>_text` (e.g. `value_text`, `mis_value_text`). The companion is
  also filled when a qualifier was split off, so nothing printed is lost.
- Ranges printed `a-b` in value columns are also split into `<column>_low` and
  `<column>_high` (smaller and larger end); the printed order stays in `<column>_text`.
- `screw_accuracy.value_text` is split into `accuracy_pct` (one percentage),
  `accuracy_pct_low`/`_high` (a % range) or `ratio_type` + `ratio` (`OR x` / `RR x`).
- `outcomes_mis_vs_open.pooled_difference` is MIS minus open for differences and MIS
  relative to open for ratios; `effect_measure` says which, read from the row's own labels.
  `RR x` / `OR x` cells give `x` there and keep the label in `pooled_difference_text`.
- `n` and similar counts are strings where the dossier prints words with them
  (`12 spines`, `18 studies / 1481`), integers where every cell is a plain count.
- Evidence tables keep the dossier's `source_short` verbatim as `source_label`; rows citing
  several sources have the first in `source_key` and the rest in `other_source_keys`
  (separated by `;`).
- Source keys: anatomy keys are the dossier's own (`Panjabi1992`). Evidence keys are built
  from `source_short` by one rule: drop parenthesised parts and design words (MA, SR, RCT,
  cohort, abstract, prospective, cost, series, review), keep letters and digits, join the
  capitalised words (`Sun 2013 Chin Med J MA` -> `Sun2013ChinMedJ`). A source cited in
  several places (same DOI, PMCID, PMID or citation text) has one key, the longest its
  labels give; a source with no label gets first author + year (`Buchbinder2009`).
- `references.json` is CSL-JSON parsed best-effort from the dossier's citation strings;
  `note` always holds the full citation verbatim and `custom.also_cited_as` any other
  wording of the same source. Authors, DOIs and years are only those printed; where no title
  is printed, the citation itself stands in (`custom.title_is_citation`).

## Other files

- `references.json`: {n_refs} sources (every anatomy source and every evidence source a table
  cites).
- `assumptions.yaml`: teaching assumptions that have no published figure (not data, not
  generated by this script; maintained with the lesson code).

## Licences

- Data compilation (tables, schemas, references): CC-BY-4.0. The figures themselves are facts
  reported in the cited works; cite those works.
- Teaching text: CC-BY-4.0.
- Code (including `data/build/convert_reference.py`): BSD-3-Clause.
"""


def write_readme(built: list[Built], n_refs: int) -> None:
    """Write data/README.md with the table list and checksums."""
    lines = [
        "| table | rows | one row is | provenance (dossier file) | SHA-256 of the CSV |",
        "|---|---|---|---|---|",
    ]
    for b in built:
        path = DATA_DIR / "tables" / f"{b.table.name}.csv"
        lines.append(
            f"| `{b.table.name}` | {len(b.rows)} | {b.table.row_unit} | `{b.table.source_file}` | "
            f"`{sha256(path)}` |"
        )
    dropped = [f"- {d}" for b in built for d in b.dropped] or ["- none"]
    text = (
        README_HEAD
        + "\n".join(lines)
        + "\n"
        + README_TAIL.replace("{dropped}", "\n".join(dropped)).replace("{n_refs}", str(n_refs))
    )
    (DATA_DIR / "README.md").write_text(text, encoding="utf-8")


# dossier columns deliberately not carried over: the dossier's own arithmetic, and region in
# lumbar_morphometry (always "lumbar" there)
DROPPED_COLUMNS = {
    "lumbar_morphometry": {"region"},
    "radiation": {"value_in_mSv"},
    "study_level_screw_accuracy": {"accurate_screws_derived"},
}


def check_complete(built: list[Built], dossier: Path) -> None:
    """Every dossier row lands in exactly one table or is listed as dropped; every column is used."""
    per_file: dict[str, int] = {}
    for b in built:
        per_file[b.table.source_file] = per_file.get(b.table.source_file, 0) + len(b.rows) + len(b.dropped)
        header = set(read_csv(dossier / b.table.source_file)[0])
        used = {c.src or c.name for c in b.table.columns if c.fill is None}
        used |= {"source_short", "source_full", "confidence"}
        unused = header - used
        if unused != DROPPED_COLUMNS.get(b.table.name, set()):
            raise BuildError(f"{b.table.name}: dossier columns {sorted(unused)} are not carried over")
    for rel, n in per_file.items():
        total = len(read_csv(dossier / rel))
        if n != total:
            raise BuildError(f"{rel}: {total} rows in the dossier, {n} converted or dropped")


def convert(dossier: Path) -> list[Built]:
    """Convert the dossier and write every output file."""
    if not (dossier / "anatomy").is_dir() or not (dossier / "evidence").is_dir():
        raise BuildError(f"no dossier (anatomy/ and evidence/) at {dossier}")
    check_anatomy_sources(dossier)
    registry = SourceRegistry()
    register_sources(dossier, registry)
    built = [build_table(t, dossier, registry) for t in TABLES]
    check_complete(built, dossier)
    # provenance check: every number written is a verbatim (part of a) dossier cell
    for b in built:
        for out_row, src in zip(b.rows, b.origin, strict=True):
            cells = list(src.values())
            for name, val in zip(b.header, out_row, strict=True):
                if val and NUM_RE.match(val) and not any(val in c for c in cells):
                    raise BuildError(f"{b.table.name}: {name}={val!r} is not in its dossier row")
    (DATA_DIR / "tables").mkdir(parents=True, exist_ok=True)
    for b in built:
        write_csv(DATA_DIR / "tables" / f"{b.table.name}.csv", b.header, b.rows)
        write_yaml(DATA_DIR / "tables" / f"{b.table.name}.schema.yaml", b.schema)
    refs = []
    for g in sorted(registry.groups.values(), key=lambda g: g.key.lower()):
        primary = g.citations[0]
        refs.append(csl_item(g.key, primary, g.citations[1:]))
    (DATA_DIR / "references.json").write_text(
        json.dumps(refs, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_readme(built, len(refs))
    return built


# --------------------------------------------------------------------------------------
# self-check
# --------------------------------------------------------------------------------------


# plausible ranges by unit (anatomy-scale quantities), checked in addition to the schemas
UNIT_BOUNDS = {
    "mm": (0, 150),
    "deg": (-90, 90),
    "mm2": (0, 1000),
    "%": (0, 100),
    "ratio": (0, 10),
    "fraction of disc length from posterior": (0, 1),
}


def self_check(data_dir: Path = DATA_DIR, verbose: bool = True) -> list[str]:
    """Check every table against its schema and references; return the problems found."""
    import pandas as pd

    problems: list[str] = []
    refs_path = data_dir / "references.json"
    refs = json.loads(refs_path.read_text(encoding="utf-8"))
    ids = [r.get("id") for r in refs]
    if len(ids) != len(set(ids)):
        problems.append("references.json: duplicate ids")
    for r in refs:
        for k in ("id", "type", "title", "note"):
            if not r.get(k):
                problems.append(f"references.json: {r.get('id')!r} lacks {k}")
    ref_ids = set(ids)
    used_keys: set[str] = set()
    summary = []
    for schema_path in sorted((data_dir / "tables").glob("*.schema.yaml")):
        name = schema_path.name[: -len(".schema.yaml")]
        schema = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
        where = f"tables/{name}"
        if schema.get("name") != name:
            problems.append(f"{where}: schema name {schema.get('name')!r} != file stem")
        for k in ("title", "description", "provenance", "licence", "columns"):
            if not schema.get(k):
                problems.append(f"{where}: schema lacks {k}")
        cols = schema["columns"]
        names = [c["name"] for c in cols]
        for needed in ("source_key", "confidence"):
            if needed not in names:
                problems.append(f"{where}: no {needed} column")
        conf = next((c for c in cols if c["name"] == "confidence"), {})
        if list(conf.get("enum") or []) != list(CONFIDENCE_FLAGS):
            problems.append(f"{where}: confidence enum is not exactly {CONFIDENCE_FLAGS}")
        try:
            frame = pd.read_csv(
                data_dir / "tables" / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8"
            )
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{where}.csv: pandas cannot parse it ({exc})")
            continue
        if list(frame.columns) != names:
            problems.append(f"{where}: CSV header {list(frame.columns)} != schema columns {names}")
            continue
        for c in cols:
            if c.get("type") not in TYPES:
                problems.append(f"{where}: column {c['name']} has type {c.get('type')!r}")
            for i, cell in enumerate(frame[c["name"]], start=2):
                loc = f"{where}.csv line {i} column {c['name']}"
                if cell == "":
                    if c.get("required"):
                        problems.append(f"{loc}: required but empty")
                    continue
                if cell != cell.strip():
                    problems.append(f"{loc}: surrounding whitespace")
                val: Any = cell
                if c["type"] == "number":
                    if not NUM_RE.match(cell) or not math.isfinite(float(cell)):
                        problems.append(f"{loc}: {cell!r} is not a number")
                        continue
                    val = float(cell)
                elif c["type"] == "integer":
                    if not INT_RE.match(cell):
                        problems.append(f"{loc}: {cell!r} is not an integer")
                        continue
                    val = int(cell)
                elif c["type"] == "boolean" and cell not in ("true", "false"):
                    problems.append(f"{loc}: {cell!r} is not true/false")
                if c.get("enum") is not None and val not in c["enum"]:
                    problems.append(f"{loc}: {cell!r} not in {c['enum']}")
                if c.get("minimum") is not None and val < c["minimum"]:
                    problems.append(f"{loc}: {cell} below minimum {c['minimum']}")
                if c.get("maximum") is not None and val > c["maximum"]:
                    problems.append(f"{loc}: {cell} above maximum {c['maximum']}")
        if "unit" in frame.columns:
            for vcol in [c for c in ("value", "value_low", "value_high", "sd") if c in frame.columns]:
                for i, (cell, unit) in enumerate(zip(frame[vcol], frame["unit"], strict=True), start=2):
                    bounds = UNIT_BOUNDS.get(unit)
                    if not (cell and bounds and NUM_RE.match(cell)):
                        continue
                    if not bounds[0] <= float(cell) <= bounds[1]:
                        problems.append(
                            f"{where}.csv line {i}: {vcol} {cell} {unit} outside the plausible range {bounds}"
                        )
        pk = schema.get("primary_key") or []
        if pk:
            dup = frame.duplicated(subset=pk, keep=False)
            if dup.any():
                problems.append(
                    f"{where}: primary key {pk} not unique at lines {[i + 2 for i in frame.index[dup]]}"
                )
        for i, key in enumerate(frame["source_key"], start=2):
            used_keys.add(key)
            if key not in ref_ids:
                problems.append(f"{where}.csv line {i}: source_key {key!r} not in references.json")
        if "other_source_keys" in frame.columns:
            for i, keys in enumerate(frame["other_source_keys"], start=2):
                for key in filter(None, keys.split(";")):
                    used_keys.add(key)
                    if key not in ref_ids:
                        problems.append(f"{where}.csv line {i}: other source key {key!r} unresolved")
        for i, flag in enumerate(frame["confidence"], start=2):
            if flag not in CONFIDENCE_FLAGS:
                problems.append(f"{where}.csv line {i}: confidence {flag!r}")
        n_sec = int((frame["confidence"] == "secondary-source").sum())
        summary.append((name, len(frame), n_sec))
    # the package loader, when it is importable, must accept every table too
    try:
        sys.path.insert(0, str(data_dir.parent))
        import os

        os.environ["MISS_DATA_DIR"] = str(data_dir)
        from widgets import data as loader  # type: ignore

        loader.clear_cache()
        for name, _, _ in summary:
            try:
                loader.load_table(name)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"widgets.data.load_table({name!r}): {exc}")
        loader_note = "widgets.data.load_table accepts every table"
    except ImportError:
        loader_note = "widgets.data not importable: loader check skipped"
    if verbose:
        print(f"{'table':<36} {'rows':>5} {'secondary':>9}")
        for name, n, s in summary:
            print(f"{name:<36} {n:>5} {s:>9}")
        print(
            f"{len(summary)} tables, {sum(n for _, n, _ in summary)} rows, {len(refs)} references "
            f"({len(used_keys)} cited by tables)"
        )
        print(loader_note if not any("widgets.data" in p for p in problems) else "loader check FAILED")
        print("self-check: OK" if not problems else f"self-check: {len(problems)} problem(s)")
        for p in problems:
            print("  -", p)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the conversion (unless --check) and the self-check; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "dossier",
        nargs="?",
        default=str(DEFAULT_DOSSIER),
        help="reference dossier folder (default: ../shared/reference from the repo root)",
    )
    ap.add_argument("--check", action="store_true", help="only run the self-check")
    args = ap.parse_args(argv)
    if not args.check:
        try:
            built = convert(Path(args.dossier))
        except BuildError as exc:
            print(f"convert_reference: {exc}", file=sys.stderr)
            return 2
        for b in built:
            for d in b.dropped:
                print("dropped:", d)
    return 1 if self_check() else 0


if __name__ == "__main__":
    sys.exit(main())
