"""Views of lesson 04: the pedicle screw planner (3D, axial, lateral) and the C-arm simulator."""

from __future__ import annotations

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.core.figures import Figure
from widgets.core.levels import LEVELS
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html
from widgets.imaging.carm import bone_meshes, outline_path, owl_eye_error, plane_outlines, radiograph_outlines
from widgets.imaging.screws import choose_diameter, deformation_rule, evaluate, preset, vertebra

__all__ = ["CArmSimulator", "ScrewPlanner"]

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
    """Rotate a virtual C-arm; see the projected vertebra and how far the beam is from the owl's eye."""

    def __init__(self, level: str = "L4", side: str = "left") -> None:
        super().__init__()
        self.vert = vertebra(level)
        self.side = side
        self.orbital = ipw.FloatSlider(value=0, min=-90, max=90, step=1, description="Orbital (°)",
                                       continuous_update=False)
        self.tilt = ipw.FloatSlider(value=0, min=-40, max=40, step=1, description="Tilt (°)",
                                    continuous_update=False)
        self.feedback = ipw.HTML()
        self.figure = Figure(layout=dict(template=plot_template(),
            title=f"Simulated radiograph of {level} (orthographic projection)", height=380, width=420,
            plot_bgcolor="black", xaxis=dict(showgrid=False, title="detector e1 (mm)"),
            yaxis=dict(showgrid=False, scaleanchor="x", title="detector e2 (mm)"),
            margin=dict(l=40, r=10, t=40, b=40)))
        self._update = self.observe([self.orbital, self.tilt], self._update_unguarded)
        self._update()

    def _update_unguarded(self, change=None) -> None:
        o, t = float(self.orbital.value), float(self.tilt.value)
        outlines = radiograph_outlines(self.vert, o, t)
        traces = []
        for name, h in outlines.items():
            ped = name == f"pedicle_{self.side}"
            traces.append(go.Scatter(x=h[:, 0], y=h[:, 1], mode="lines", fill="toself", name=name,
                                     line=dict(color=OKABE_ITO["yellow"] if ped else "white",
                                               dash="solid" if ped else "dot", width=2 if ped else 1),
                                     fillcolor="rgba(255,255,255,0.15)", hoverinfo="name"))
        if len(self.figure.data) != len(traces):
            self.figure.data = []
            self.figure.add_traces(traces)
            self.figure.redraw()
        else:
            with self.figure.batch_update():
                for trace, new in zip(self.figure.data, traces, strict=True):
                    trace.update(x=new.x, y=new.y)
        err = owl_eye_error(self.vert.pedicles[self.side].axis, o, t)
        self.feedback.value = table_html([{
            "orbital (°)": o, "tilt (°)": t,
            f"angle between beam and {self.side} pedicle axis (°)": round(err, 1),
        }], "Owl's eye check (0° = pedicle seen end-on; a model calculation)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the simulator as one ipywidgets box."""
        return ipw.VBox([ipw.HBox([self.orbital, self.tilt]), self.feedback, self.status, self.figure.output])
