"""Views of lesson 04: the screw planner (3D, axial, lateral), the C-arm (simulated fluoroscopy), slices."""

from __future__ import annotations

import math

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.core.a11y import describe_image
from widgets.core.figures import Figure
from widgets.core.levels import DISCS, LEVELS
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html
from widgets.imaging.carm import bone_meshes, outline_path, owl_eye_error, plane_outlines
from widgets.imaging.drr import VIEWS, Instrument, shot
from widgets.imaging.screws import choose_diameter, deformation_rule, evaluate, preset, vertebra
from widgets.imaging.slices import (
    PLANES,
    SIDES,
    ZONES,
    Herniation,
    fragment_offset,
    herniation_report,
    slice_image,
)

__all__ = ["CArmSimulator", "ScrewPlanner", "SliceViewer"]

_BONE = OKABE_ITO["sky blue"]
_SCREW = OKABE_ITO["vermillion"]
_PED = OKABE_ITO["bluish green"]


class ScrewPlanner(TopicView):
    """Plan a pedicle screw: sliders for angles, entry, size; grade text; 3D, axial and lateral views."""

    def __init__(self, level: str = "L4", side: str = "left", diameter_mm: float = 6.0,
                 length_mm: float = 40.0) -> None:
        super().__init__()
        m, s, _, _ = preset(level, side)
        self.medial = ipw.FloatSlider(value=m, min=-10, max=60, step=1, description="Medial angle (°)",
                                      continuous_update=False, style={"description_width": "initial"})
        self.sagittal = ipw.FloatSlider(value=s, min=-30, max=40, step=1, description="Sagittal angle (°)",
                                        continuous_update=False, style={"description_width": "initial"})
        self.entry = ipw.FloatSlider(value=0.0, min=-8, max=8, step=0.5, description="Entry medial (mm)",
                                     continuous_update=False, style={"description_width": "initial"})
        self.diameter = ipw.FloatSlider(value=diameter_mm, min=3, max=10, step=0.5,
                                        description="Diameter (mm)", continuous_update=False)
        self.length = ipw.FloatSlider(value=length_mm, min=20, max=70, step=5, description="Length (mm)",
                                      continuous_update=False)
        self.vertebra = ipw.Dropdown(options=list(LEVELS), value=level,
                                     description="Vertebra")
        self.side = ipw.Dropdown(options=["left", "right"], value=side, description="Side")
        self.preset_button = ipw.Button(description="Preset angles", tooltip="published angles of the level")
        self.result = ipw.HTML()
        tpl = plot_template()
        self.fig3d = Figure(layout=dict(template=tpl, title="3D: vertebra and screw", height=380,
                                                 margin=dict(l=0, r=0, t=40, b=0),
                                                 scene=dict(aspectmode="data")))
        self.axial = Figure(layout=dict(template=tpl, title="Axial view (from above)", height=320,
                                                 width=340,
                                                 xaxis_title="x, left (mm)", yaxis_title="y, anterior (mm)",
                                                 yaxis_scaleanchor="x", margin=dict(l=40, r=10, t=40, b=40)))
        self.lateral = Figure(layout=dict(template=tpl,
            title="Lateral view (from the left)", height=320, width=340, xaxis_title="y, anterior (mm)",
            yaxis_title="z, cranial (mm)", yaxis_scaleanchor="x", margin=dict(l=40, r=10, t=40, b=40)))
        self._level_drawn = None
        self._bone_cache: dict[str, tuple[object, dict]] = {}
        controls = [self.medial, self.sagittal, self.entry, self.diameter, self.length, self.side]
        self._update = self.observe(controls, self._update_unguarded)
        self.observe(self.vertebra, self._apply_preset)  # a new level starts from its published angles
        self.on_click(self.preset_button, self._apply_preset)
        self._draw_bone(vertebra(self.vertebra.value))  # the traces exist before any batch update
        self._update()

    def _apply_preset(self, _event=None) -> None:
        m, s, _, _ = preset(self.vertebra.value, self.side.value)
        with self.batch():  # three sliders move, the views redraw once
            self.medial.value, self.sagittal.value, self.entry.value = m, s, 0.0
            self._update()

    def results(self):
        """Evaluate the trajectory the controls describe."""
        return evaluate(self.vertebra.value, self.side.value, float(self.medial.value),
                        float(self.sagittal.value), float(self.diameter.value), float(self.length.value),
                        float(self.entry.value))

    def _bone(self, vert) -> dict:
        """Return the level's merged meshes and outlines, worked out once per vertebra model."""
        hit = self._bone_cache.get(vert.level)
        if hit is not None and hit[0] is vert:
            return hit[1]
        meshes3d = [{"x": v[:, 0], "y": v[:, 1], "z": v[:, 2], "i": f[:, 0], "j": f[:, 1], "k": f[:, 2],
                     "name": name, "color": _PED if name == "pedicles" else _BONE}
                    for name, v, f in bone_meshes(vert)]
        bone = {"meshes": meshes3d, "axial": outline_path(plane_outlines(vert, "axial")),
                "lateral": outline_path(plane_outlines(vert, "lateral"))}
        self._bone_cache[vert.level] = (vert, bone)
        return bone

    def _draw_bone(self, vert) -> None:
        bone = self._bone(vert)
        if len(self.fig3d.data) == len(bone["meshes"]) + 1:
            with self.fig3d.batch_update():
                for trace, mesh in zip(self.fig3d.data[:-1], bone["meshes"], strict=True):
                    trace.update(**mesh)
        else:
            self.fig3d.data = []
            traces = [go.Mesh3d(**mesh, opacity=0.35, hoverinfo="name") for mesh in bone["meshes"]]
            traces.append(go.Scatter3d(x=[0, 0], y=[0, 0], z=[0, 0], mode="lines", name="screw",
                                       line=dict(color=_SCREW, width=10)))
            self.fig3d.add_traces(traces)
        for fig, view in ((self.axial, "axial"), (self.lateral, "lateral")):
            xs, ys = bone[view]
            if len(fig.data) == 2:
                fig.data[0].update(x=xs, y=ys)
                continue
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="bone outline",
                                     line=dict(color=_BONE, dash="solid")))
            fig.add_trace(go.Scatter(x=[0, 0], y=[0, 0], mode="lines+markers", name="screw axis",
                                     line=dict(color=_SCREW, dash="dash", width=4), marker=dict(symbol="x")))
        self._level_drawn = vert.level

    def _update_unguarded(self, change=None) -> None:
        r = self.results()
        vert = vertebra(self.vertebra.value)
        e, t = r.entry, r.tip
        # one redraw of each view, whether or not the level (the bone) changed too
        with self.fig3d.batch_update(), self.axial.batch_update(), self.lateral.batch_update():
            if self._level_drawn != vert.level:
                self._draw_bone(vert)
            self.fig3d.data[-1].update(x=[e[0], t[0]], y=[e[1], t[1]], z=[e[2], t[2]])
            self.axial.data[-1].update(x=[e[0], t[0]], y=[e[1], t[1]])
            self.lateral.data[-1].update(x=[e[1], t[1]], y=[e[2], t[2]])
        row = r.summary().iloc[0].to_dict()
        self.result.value = (
            f"<p><b>Grade {r.grade_modified} (modified A-E) / grade {r.grade_original} (1990 original)</b>"
            f" — breach {r.breach_depth_mm:.2f} mm {r.direction if r.breach_depth_mm > 0 else ''}</p>"
            + self._diameter_note(r.pedicle_width_mm, r.trajectory.diameter_mm)
            + table_html([row], "Trajectory result (model calculation)"))
        self.clear_status()

    @staticmethod
    def _diameter_note(width_mm: float, diameter_mm: float) -> str:
        """One line: this pedicle's deformation ceiling, the screw a surgeon would pick, and yours."""
        frac, _ = deformation_rule()
        c = choose_diameter(outer_mm=width_mm)
        pick = ("no common size fits" if c.diameter_mm is None
                else f"largest common size under it {c.diameter_mm:g} mm")
        over = ("above the ceiling, where the pedicle starts to deform" if diameter_mm > c.ceiling_mm
                else "under the ceiling")
        return (f"<p>Ceiling for this pedicle: {frac:.0%} of its {width_mm:g} mm outer width ="
                f" {c.ceiling_mm:.1f} mm (a limit, not a target); {pick}. Your {diameter_mm:g} mm screw is"
                f" {over}.</p>")

    def widget(self) -> ipw.Widget:
        """Return the planner as one ipywidgets box."""
        controls = ipw.VBox([self.medial, self.sagittal, self.entry, self.diameter, self.length,
                             ipw.HBox([self.vertebra, self.side, self.preset_button])])
        return ipw.VBox([controls, self.result, self.status, self.fig3d.output,
                         ipw.HBox([self.axial.output, self.lateral.output])])


class CArmSimulator(TopicView):
    """A C-arm on the model: move it, take a shot (simulated fluoroscopy), read the owl's eye check.

    Each shot is a digitally reconstructed radiograph of the voxel model (:mod:`widgets.imaging.drr`),
    shown as a C-arm monitor shows it: what stops X-rays is dark. Moving the C-arm does not shoot:
    the student presses "Take a shot" (each shot is counted, as each costs dose). With ``planner``,
    the screw it plans can be shown in the image.
    """

    def __init__(self, level: str = "L4", side: str = "left", planner: ScrewPlanner | None = None) -> None:
        super().__init__()
        if side not in ("left", "right"):
            raise ValueError(f"side must be left or right; got {side!r}")
        self.side = side
        self.planner = planner
        self.level = ipw.Dropdown(options=list(LEVELS), value=level, description="Target level")
        self.orbital = ipw.FloatSlider(value=0, min=-90, max=90, step=1, description="Orbital (°)",
                                       continuous_update=False)
        self.tilt = ipw.FloatSlider(value=0, min=-40, max=40, step=1, description="Tilt (°)",
                                    continuous_update=False)
        self.presets = {name: ipw.Button(description=name, tooltip=f"move the C-arm to the {name} view")
                        for name in ("AP", "lateral", "oblique left", "oblique right", "owl's eye")}
        self.shoot = ipw.Button(description="Take a shot", button_style="primary",
                                tooltip="take one fluoroscopy shot (Enter or Space when focused)")
        self.invert = ipw.Checkbox(value=False, description="Invert (bone white, as a radiograph)",
                                   style={"description_width": "initial"}, indent=False)
        self.show_screw = ipw.Checkbox(value=planner is not None, description="Show the planned screw",
                                       disabled=planner is None, style={"description_width": "initial"},
                                       indent=False)
        self.image = ipw.Image(format="png", width=512, height=512,
                               layout=ipw.Layout(width="512px", height="512px"))
        self.text_alternative = ipw.HTML()
        self.feedback = ipw.HTML()
        self.legend = ipw.HTML(
            "<p><b>How to read it.</b> As on most C-arm monitors, what stops X-rays is dark: metal"
            " black, bone dark grey (its dense outer cortex darkest, so a pedicle seen end-on is a dark"
            " ring), discs and soft tissue light. Black outside the round field of the detector. The"
            " C-arm is squared to the target level: orbital turns it round the patient, tilt tips it"
            " towards the head or feet. <i>Model rendering, not a patient image.</i></p>")
        self.shots = 0
        self._last = None
        self._shoot = self.on_click(self.shoot, self._take)
        for name, button in self.presets.items():
            self.on_click(button, self._preset_handler(name))
        self.observe([self.invert], self._redraw)
        self.observe([self.orbital, self.tilt, self.level], self._feedback)
        self._take()

    def _preset_handler(self, name: str):
        def handler(_button=None) -> None:
            o, t = self.owl_eye_angles() if name == "owl's eye" else VIEWS[name]
            with self.batch():
                self.orbital.value, self.tilt.value = round(o), round(t)
            self._take()
        handler.__name__ = f"preset_{name.replace(' ', '_')}"
        return handler

    def pedicle_axis(self):
        """Return the axis of the chosen pedicle of the target level (its own frame)."""
        return vertebra(self.level.value).pedicles[self.side].axis

    def owl_eye_angles(self) -> tuple[float, float]:
        """Return the orbital and tilt angles (degrees) that put the beam along the pedicle."""
        d = self.pedicle_axis()
        return math.degrees(math.atan2(-d[0], d[1])), math.degrees(math.asin(max(-1.0, min(1.0, -d[2]))))

    def instruments(self) -> list[Instrument]:
        """Return the planned screw as an instrument, when it is shown."""
        p = self.planner
        if p is None or not self.show_screw.value or p.vertebra.value != self.level.value:
            return []
        r = self.planner.results()
        return [Instrument("screw", tuple(r.entry), tuple(r.tip), r.trajectory.diameter_mm)]

    def _take(self, _button=None) -> None:
        o, t = float(self.orbital.value), float(self.tilt.value)
        self._last = shot(level=self.level.value, orbital_deg=o, tilt_deg=t, instruments=self.instruments())
        self.shots += 1
        self._redraw()
        self._feedback()

    def _redraw(self, change=None) -> None:
        if self._last is None:
            return
        v = self._last.view
        self.image.value = self._last.png(invert=bool(self.invert.value))
        err = owl_eye_error(self.pedicle_axis(), v.orbital_deg, v.tilt_deg)
        tools = " The planned screw shows black." if self._last.instruments else ""
        name = (_view_name(v.orbital_deg, v.tilt_deg) if err >= 2
                else f"the owl's eye of the {self.side} pedicle")
        self.text_alternative.value = (
            f"<p><b>What the image shows</b> (shot {self.shots}): simulated fluoroscopy centred on"
            f" {v.level}, orbital {v.orbital_deg:g}°, tilt {v.tilt_deg:g}°"
            f" ({name}); bone "
            f"{'white on dark' if self.invert.value else 'dark on light'}. The {self.side} pedicle's axis"
            f" is {err:.1f}° from the beam.{tools}</p>")
        describe_image(self.image, self.text_alternative.value + " Model rendering, not a patient image.")

    def _feedback(self, change=None) -> None:
        o, t = float(self.orbital.value), float(self.tilt.value)
        err = owl_eye_error(self.pedicle_axis(), o, t)
        moved = self._last is not None and (self._last.view.orbital_deg, self._last.view.tilt_deg,
                                            self._last.view.level) != (o, t, self.level.value)
        self.feedback.value = table_html([{
            "target": self.level.value, "orbital (°)": o, "tilt (°)": t,
            f"angle between beam and {self.side} pedicle axis (°)": round(err, 1), "shots taken": self.shots,
        }], "Owl's eye check (0° = pedicle seen end-on; a model calculation)"
            + (" — the C-arm has moved: take a shot to see it" if moved else ""))
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the simulator as one ipywidgets box."""
        presets = ipw.HBox(list(self.presets.values()))
        controls = ipw.VBox([ipw.HBox([self.level, self.orbital, self.tilt]), presets,
                             ipw.HBox([self.shoot, self.invert, self.show_screw])])
        return ipw.VBox([controls, self.feedback, self.status, self.image, self.text_alternative,
                         self.legend])


def _view_name(orbital: float, tilt: float) -> str:
    for name, (o, t) in VIEWS.items():
        if abs(orbital - o) < 1 and abs(tilt - t) < 1:
            return f"{name} view" if name != "AP" else "AP view"
    return "an angled view"


_IMAGE_TYPES = {"T2 (MRI-like)": ("T2", "bone"), "CT, bone window": ("CT", "bone"),
                "CT, soft-tissue window": ("CT", "soft tissue")}
_LEGENDS = {
    "T2": "T2-like: CSF and a healthy disc's nucleus bright, fat bright, the annulus, cortex and"
          " ligaments dark, nerve roots dark dots in the bright CSF, muscle dark grey.",
    "CT": "CT-like: bone white (its cortex brightest), soft tissues grey; the bone window spreads"
          " the greys over bone, the soft-tissue window over disc, CSF, fat and muscle.",
}


class SliceViewer(TopicView):
    """Axial and sagittal CT- and T2-like slices of the model, with a disc herniation to move."""

    def __init__(self, disc: str = "L4-L5") -> None:
        super().__init__()
        self.plane = ipw.ToggleButtons(options=list(PLANES), value="axial", description="Plane")
        self.kind = ipw.Dropdown(options=list(_IMAGE_TYPES), value="T2 (MRI-like)", description="Image")
        self.disc = ipw.Dropdown(options=list(DISCS), value=disc, description="Disc")
        self.offset = ipw.FloatSlider(value=0, min=-30, max=30, step=1, continuous_update=False,
                                      description="Offset (mm)", style={"description_width": "initial"})
        self.herniated = ipw.Checkbox(value=True, description="Herniation")
        self.zone = ipw.Dropdown(options=list(ZONES), value="paracentral", description="Zone")
        self.side = ipw.Dropdown(options=list(SIDES), value="left", description="Side")
        self.size = ipw.FloatSlider(value=12, min=3, max=15, step=1, continuous_update=False,
                                    description="Size (mm)")
        self.through = ipw.Button(description="Cut through the fragment", layout=ipw.Layout(width="auto"),
                                  tooltip="move the slice to the middle of the fragment")
        self.image = ipw.Image(format="png", width=512, height=512,
                               layout=ipw.Layout(width="512px", height="512px"))
        self.text_alternative = ipw.HTML()
        self.result = ipw.HTML()
        self.legend = ipw.HTML()
        self._update = self.observe([self.plane, self.kind, self.disc, self.offset, self.herniated,
                                     self.zone, self.side, self.size], self._update_unguarded)
        self.on_click(self.through, self._cut_through)
        self._update()

    def herniation(self) -> Herniation | None:
        """Return the herniation the controls describe, or None when it is switched off."""
        if not self.herniated.value:
            return None
        return Herniation(self.disc.value, self.zone.value, self.side.value, float(self.size.value))

    def _cut_through(self, _button=None) -> None:
        h = self.herniation()
        if h is None:
            return
        with self.batch():
            self.offset.value = 0.0 if self.plane.value == "axial" else round(fragment_offset(h))
            self._update()

    def _update_unguarded(self, change=None) -> None:
        modality, window = _IMAGE_TYPES[self.kind.value]
        h = self.herniation()
        s = slice_image(plane=self.plane.value, where=self.disc.value, offset_mm=float(self.offset.value),
                        modality=modality, window=window, herniation=h)
        self.image.value = s.png()
        where = ("through the disc" if self.plane.value == "axial" else "through the spine")
        off = float(self.offset.value)
        side = ("above" if off > 0 else "below") if self.plane.value == "axial" else (
            "left of the midline" if off > 0 else "right of the midline")
        orient = ("seen from the feet: the patient's left on the right, front at the top"
                  if self.plane.value == "axial" else "front on the left, head at the top")
        shown = (" The herniated fragment is in this slice." if s.shows("herniated disc")
                 else " The fragment is not in this slice." if h is not None else "")
        self.text_alternative.value = (
            f"<p><b>What the image shows:</b> a {self.kind.value} {self.plane.value} slice {where}"
            f" {self.disc.value}{'' if off == 0 else f', {abs(off):g} mm {side}'}; {orient}.{shown}</p>")
        describe_image(self.image, self.text_alternative.value + " Model rendering, not a patient image.")
        self.legend.value = f"<p>{_LEGENDS[modality]} <i>Model rendering, not a patient image.</i></p>"
        self.result.value = (table_html([herniation_report(h)], "Which root the fragment reaches (model"
                                        " geometry) and the rule of lesson 02") if h is not None else "")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the slice viewer as one ipywidgets box."""
        controls = ipw.VBox([ipw.HBox([self.plane, self.kind]), ipw.HBox([self.disc, self.offset]),
                             ipw.HBox([self.herniated, self.zone, self.side]),
                             ipw.HBox([self.size, self.through])])
        return ipw.VBox([controls, self.status, self.result, self.image, self.text_alternative,
                         self.legend])
