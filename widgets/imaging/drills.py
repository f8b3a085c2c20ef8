"""Views of lesson 12: the percutaneous screw trainer and the counting-levels drill (thin views)."""

from __future__ import annotations

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.core.a11y import describe_image
from widgets.core.figures import Figure
from widgets.core.levels import LUMBAR
from widgets.core.view import DASHES, OKABE_ITO, TopicView, plot_template, table_html
from widgets.imaging import counting, trainer
from widgets.imaging.attempts import attempt_store
from widgets.imaging.carm import bone_meshes
from widgets.imaging.fluoro import counting_png, trainer_shot
from widgets.imaging.screws import vertebra

__all__ = ["CountingDrill", "ScrewTrainer"]

_WIDE = {"description_width": "initial"}
_NO_SHOT = "<p><i>No shot yet: take a shot to see where the needle is.</i></p>"


def _blank_png() -> bytes:
    """Return the dark screen shown before the first shot of an attempt."""
    import numpy as np

    from widgets.imaging.drr import png_bytes

    return png_bytes(np.full((64, 64), 12, dtype=np.uint8), display_px=420, caption="no shot yet")


def _slider(value: float, lo: float, hi: float, step: float, text: str) -> ipw.FloatSlider:
    return ipw.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=text,
        continuous_update=False,
        style=_WIDE,
        layout=ipw.Layout(width="420px"),
    )


class ScrewTrainer(TopicView):
    """Place a Jamshidi needle and a guidewire from fluoroscopy shots; then the 3D reveal and the score.

    Parameters
    ----------
    level, side
        The pedicle to cannulate.
    learner
        Whose attempts are saved and drawn (the progress folder's ``<learner>.fluoro-attempts``).
    seed
        Seeds where each new attempt starts (the attempt number is added).
    """

    def __init__(
        self, level: str = "L4", side: str = "left", learner: str | None = None, seed: int = 0
    ) -> None:
        super().__init__()
        self.store = attempt_store(learner)
        self.seed = seed
        self.level = ipw.Dropdown(options=list(LUMBAR), value=level, description="Level")
        self.side = ipw.Dropdown(options=["left", "right"], value=side, description="Side")
        self.lateral = _slider(20.0, 0.0, 45.0, 0.5, "Entry: mm lateral of the midline")
        self.cranial = _slider(0.0, -20.0, 30.0, 0.5, "Entry: mm above the middle of the body")
        self.medial = _slider(0.0, -10.0, 45.0, 1.0, "Medial angle (°)")
        self.sagittal = _slider(0.0, -25.0, 25.0, 1.0, "Sagittal angle, caudal + (°)")
        self.depth = _slider(0.0, 0.0, 70.0, 1.0, "Depth along the line (mm)")
        self.shoot_buttons = {
            v: ipw.Button(description=f"{v} shot", tooltip=f"take one {v} fluoroscopy shot")
            for v in trainer.VIEWS
        }
        self.wire_button = ipw.Button(
            description="Pass guidewire", tooltip="fix the needle's line; the wire goes deeper"
        )
        self.reveal_button = ipw.Button(description="Reveal and score", button_style="info")
        self.new_button = ipw.Button(description="New attempt")
        self.invert = ipw.Checkbox(value=False, description="Invert (bone white)")
        self.image = ipw.Image(format="png", width=420, height=420)
        self.shot_html = ipw.HTML(_NO_SHOT)
        self.log = ipw.HTML()
        self.result = ipw.HTML()
        self.history = ipw.HTML()
        tpl = plot_template()
        self.fig3d = Figure(
            layout=dict(
                template=tpl,
                title="3D reveal: planned line and your wire",
                height=380,
                margin=dict(l=0, r=0, t=40, b=0),
                scene=dict(aspectmode="data"),
            )
        )
        self.curve = Figure(
            layout=dict(
                template=tpl,
                title="Your learning curve: CUSUM of breaches of 2 mm or more",
                height=320,
                xaxis_title="attempt",
                yaxis_title="CUSUM (failures minus target)",
                margin=dict(l=60, r=10, t=50, b=50),
            )
        )
        self.reveal_box = ipw.VBox([self.fig3d.output], layout=ipw.Layout(display="none"))
        self.curve_box = ipw.VBox([self.curve.output], layout=ipw.Layout(display="none"))
        self._last_view: str | None = None
        for v, b in self.shoot_buttons.items():
            self.on_click(b, lambda _b, v=v: self.shoot(v))
        self.on_click(self.wire_button, lambda _b: self.pass_guidewire())
        self.on_click(self.reveal_button, lambda _b: self.reveal())
        self.on_click(self.new_button, lambda _b: self.new_attempt())
        self.observe([self.lateral, self.cranial, self.medial, self.sagittal, self.depth], self._moved)
        self.observe(self.invert, self._redraw_last)
        self.observe([self.level, self.side], lambda _c: self.new_attempt())
        self.new_attempt()
        self._draw_curve()

    # ------------------------------------------------------------------ actions

    def new_attempt(self) -> None:
        """Start a new attempt at the chosen level and side (the start is seeded by the attempt number)."""
        n = len(self.store.attempts())
        self.attempt = trainer.Attempt(self.level.value, self.side.value, seed=self.seed + n)
        p = self.attempt.placement
        lat, cra = trainer.entry_position(p.level, p.side, p.entry_medial_mm, p.entry_cranial_mm)
        with self.batch():
            self.lateral.value, self.cranial.value = lat, cra
            self.medial.value, self.sagittal.value, self.depth.value = (
                p.medial_deg,
                p.sagittal_deg,
                p.depth_mm,
            )
        self._set_stage_controls()
        self.image.value = _blank_png()
        describe_image(self.image, "No fluoroscopy shot taken yet.")
        self.reveal_box.layout.display = "none"
        self.shot_html.value = _NO_SHOT
        self._last_view = None
        self.result.value = ""
        self._log()
        self.clear_status()

    def _moved(self, change=None) -> None:
        m, c = trainer.entry_offsets(
            self.level.value, self.side.value, float(self.lateral.value), float(self.cranial.value)
        )
        lo, hi = trainer.LIMITS["entry_medial_mm"]
        clamped = not (lo <= m <= hi and lo <= c <= hi)
        m, c = min(max(m, lo), hi), min(max(c, lo), hi)
        changes = {"depth_mm": float(self.depth.value)}
        if self.attempt.stage == "needle":
            changes.update(
                entry_medial_mm=m,
                entry_cranial_mm=c,
                medial_deg=float(self.medial.value),
                sagittal_deg=float(self.sagittal.value),
            )
        self.attempt.move(**changes)
        self.shot_html.value = (
            "<p><i>Moved since the last shot: take a shot to see where it is now.</i></p>"
            if self._last_view
            else _NO_SHOT
        )
        if clamped and self.attempt.stage == "needle":
            self.show_status(
                f"The model keeps the entry within {hi:g} mm of the pedicle's axis; the needle"
                " stays at that edge."
            )
        else:
            self.clear_status()

    def shoot(self, view: str) -> None:
        """Take one shot in ``view``: it costs time and dose, and the image shows the instruments."""
        shot = self.attempt.shoot(view)
        self._last_view = view
        self._show(shot.placement, view)
        self.shot_html.value = f"<p>Shot {shot.number}: {view} view.</p>"
        self._log()
        self.clear_status()

    def _show(self, placement, view: str) -> None:
        s = trainer_shot(placement, view, self.attempt.stage, self.attempt.needle_depth_mm)
        self.image.value = s.png(invert=bool(self.invert.value), display_px=420)
        describe_image(self.image, f"Simulated fluoroscopy, {view} shot of {self.level.value}"
                                   f" {self.side.value} with the {self.attempt.stage} drawn black;"
                                   " model rendering, not a patient image.")

    def _redraw_last(self, change=None) -> None:
        if self._last_view and self.attempt.shots:
            self._show(self.attempt.shots[-1].placement, self._last_view)

    def pass_guidewire(self) -> None:
        """Fix the needle's line and start the guidewire stage."""
        self.attempt.pass_guidewire()
        self._set_stage_controls()
        self._log()
        self.clear_status()

    def reveal(self) -> None:
        """End the attempt: score it, save it, show the 3D reveal and the learning curve."""
        score = self.attempt.reveal()
        self.store.save(score)
        self._set_stage_controls()
        self.result.value = table_html(
            score.rows(),
            f"Your attempt at {score.level} {score.side} (model calculation;"
            f" screw {score.screw_diameter_mm:g} mm along your wire)",
        )
        self._draw_reveal()
        self._draw_curve()
        self.clear_status()

    # ------------------------------------------------------------------ drawing

    def _set_stage_controls(self) -> None:
        stage = self.attempt.stage
        for w in (self.lateral, self.cranial, self.medial, self.sagittal, self.level, self.side):
            w.disabled = stage != "needle"
        self.level.disabled = self.side.disabled = stage == "guidewire"
        self.depth.disabled = stage == "reveal"
        self.depth.max = trainer.NEEDLE_MAX_MM if stage == "needle" else trainer.LIMITS["depth_mm"][1]
        self.wire_button.disabled = stage != "needle"
        self.reveal_button.disabled = stage != "guidewire"
        for b in self.shoot_buttons.values():
            b.disabled = stage == "reveal"

    def _log(self) -> None:
        a = self.attempt
        rate, _ = trainer.hand_dose_rate()
        self.log.value = table_html(
            [
                {
                    "stage": a.stage,
                    "shots": len(a.shots),
                    "fluoroscopy time (s)": round(a.fluoro_seconds, 1),
                    "surgeon's hand dose (mSv, calculation)": round(rate * a.fluoro_seconds / 60.0, 4),
                }
            ],
            f"This attempt: {a.level} {a.side} (each shot {trainer.shot_seconds():g} s, an assumption)",
        )

    def _draw_reveal(self) -> None:
        p = self.attempt.placement
        plan = trainer.planned(p.level, p.side)
        traces = [
            go.Mesh3d(
                x=v[:, 0],
                y=v[:, 1],
                z=v[:, 2],
                i=f[:, 0],
                j=f[:, 1],
                k=f[:, 2],
                name=name,
                color=OKABE_ITO["sky blue"] if name == "vertebra" else OKABE_ITO["bluish green"],
                opacity=0.3,
                hoverinfo="name",
            )
            for name, v, f in bone_meshes(vertebra(p.level))
        ]
        for label, q, colour, dash in (
            ("planned line", plan, OKABE_ITO["black"], DASHES[1]),
            ("your wire", p, OKABE_ITO["vermillion"], DASHES[0]),
        ):
            e, t = trainer.instrument_points(q)
            traces.append(
                go.Scatter3d(
                    x=[e[0], t[0]],
                    y=[e[1], t[1]],
                    z=[e[2], t[2]],
                    mode="lines",
                    name=label,
                    line=dict(color=colour, width=8, dash=dash),
                )
            )
        self.fig3d.data = []
        self.fig3d.add_traces(traces)
        self.fig3d.redraw()
        self.reveal_box.layout.display = ""

    def _draw_curve(self) -> None:
        scores = self.store.attempts()
        rows = [
            {
                "attempt": i + 1,
                "level": s["level"],
                "side": s["side"],
                "grade": s["grade_modified"],
                "entry error (mm)": round(s["entry_error_mm"], 1),
                "medial error (°)": round(abs(s["medial_error_deg"]), 1),
                "sagittal error (°)": round(abs(s["sagittal_error_deg"]), 1),
                "shots": s["shots"],
                "time (s)": round(s["fluoro_seconds"], 1),
            }
            for i, s in enumerate(scores)
        ]
        bench = trainer.benchmark_rows()
        text = (
            table_html(rows, "Your attempts (saved in your progress folder)")
            if rows
            else "<p>No attempts saved yet.</p>"
        )
        self.history.value = text + table_html(bench, "Clinical figures to set your curve against (cited)")
        self.curve.data = []
        if scores:
            lc = trainer.learning_curve(scores)
            x = list(range(1, lc.attempts + 1))
            self.curve.add_trace(
                go.Scatter(
                    x=x,
                    y=list(lc.failure_cusum),
                    mode="lines+markers",
                    name=f"your CUSUM (target {lc.acceptable_failure:.1%} failures)",
                    line=dict(color=OKABE_ITO["blue"], dash=DASHES[0]),
                )
            )
            self.curve.add_trace(
                go.Scatter(
                    x=[0.5, lc.attempts + 0.5],
                    y=[0, 0],
                    mode="lines",
                    name="no better or worse than the cited accuracy",
                    line=dict(color=OKABE_ITO["black"], dash=DASHES[2]),
                )
            )
        self.curve.redraw()
        self.curve_box.layout.display = "" if scores else "none"

    def widget(self) -> ipw.Widget:
        """Return the trainer as one ipywidgets box."""
        shots = ipw.HBox(list(self.shoot_buttons.values()) + [self.invert])
        steps = ipw.HBox([self.wire_button, self.reveal_button, self.new_button])
        controls = ipw.VBox(
            [
                ipw.HBox([self.level, self.side]),
                self.lateral,
                self.cranial,
                self.medial,
                self.sagittal,
                self.depth,
                shots,
                steps,
                self.log,
                self.status,
            ]
        )
        return ipw.VBox(
            [
                ipw.HBox([controls, ipw.VBox([self.image, self.shot_html])]),
                self.result,
                self.reveal_box,
                self.curve_box,
                self.history,
            ]
        )


class CountingDrill(TopicView):
    """Count to the lesion's disc on simulated AP and lateral fluoroscopy; the trap is named."""

    def __init__(self, case_id: str = "sacralised") -> None:
        super().__init__()
        self.case = ipw.Dropdown(
            options=[(f"Case {i + 1}", c.id) for i, c in enumerate(counting.CASES)],
            value=counting.case(case_id).id,
            description="Case",
        )
        self.view = ipw.ToggleButtons(options=["AP", "lateral"], value="AP", description="View")
        self.height = _slider(60.0, -40.0, 260.0, 10.0, "C-arm centred, mm above the sacrum")
        self.invert = ipw.Checkbox(value=False, description="Invert (bone white)")
        self.stem = ipw.HTML()
        self.image = ipw.Image(format="png", width=420, height=420)
        self.choice = ipw.Dropdown(options=[], description="Your disc")
        self.check_button = ipw.Button(description="Check", button_style="info")
        self.feedback = ipw.HTML()
        self.observe(self.case, self._new_case)
        self.observe([self.view, self.height, self.invert], self._draw)
        self.on_click(self.check_button, lambda _b: self.check())
        self._new_case()

    def _new_case(self, change=None) -> None:
        c = counting.case(self.case.value)
        n = len(counting.disc_labels(c.variant, "from-C2"))
        self.stem.value = (
            f"<p><b>{c.stem}</b></p><p>The discs are lettered from the top (a) on every image.</p>"
        )
        with self.batch():
            self.choice.options = [(f"disc {counting.letter(i)}", i) for i in range(n)]
            self.choice.value = 0
            self._draw()
        self.feedback.value = ""
        self.clear_status()

    def _draw(self, change=None) -> None:
        c = counting.case(self.case.value)
        self.image.value = counting_png(
            c.variant,
            self.view.value,
            float(self.height.value),
            invert=bool(self.invert.value),
            display_px=420,
        )
        describe_image(self.image, f"Schematic fluoroscopy of the lower thoracic and lumbar spine and"
                                   f" the sacrum, {self.view.value} view, C-arm centred"
                                   f" {float(self.height.value):g} mm above the sacrum; the discs are"
                                   " lettered. Model rendering, not a patient image.")
        self.clear_status()

    def check(self) -> counting.Verdict:
        """Judge the chosen disc and show why."""
        v = counting.check(self.case.value, int(self.choice.value))
        self.feedback.value = f'<p role="status">{v.explanation}</p>'
        self.clear_status()
        return v

    def widget(self) -> ipw.Widget:
        """Return the drill as one ipywidgets box."""
        controls = ipw.VBox(
            [
                self.case,
                self.stem,
                self.view,
                self.height,
                self.invert,
                ipw.HBox([self.choice, self.check_button]),
                self.feedback,
                self.status,
            ]
        )
        return ipw.HBox([controls, self.image])
