// One plotly figure that updates in place. plotly.js is evaluated once per page, from the
// copy the kernel's plotly package carries (sent once per kernel by a shared loader widget);
// every later change of the figure goes through Plotly.react on the same div, so a 3-D view
// keeps its WebGL context and the camera the student chose (uirevision).
const PREFIX = "IPY_MODEL_";

function loadPlotly(model) {
  if (!globalThis.__missPlotly) {
    globalThis.__missPlotly = (async () => {
      const ref = model.get("plotly_js");
      const loader = await model.widget_manager.get_model(ref.slice(PREFIX.length));
      const module = { exports: {} };
      // a UMD bundle: handed a module object, it fills module.exports and touches no global
      new Function("module", "exports", "define", loader.get("source"))(module, module.exports, undefined);
      return module.exports;
    })();
    globalThis.__missPlotly.catch(() => { globalThis.__missPlotly = undefined; });
  }
  return globalThis.__missPlotly;
}

function spec(model) {
  const fig = JSON.parse(model.get("figure") || "{}");
  const layout = fig.layout || {};
  if (layout.uirevision === undefined) layout.uirevision = "kept";  // keep camera, zoom, legend
  return { data: fig.data || [], layout, frames: fig.frames,
           config: { displaylogo: false, responsive: true } };
}

async function render({ model, el }) {
  const div = document.createElement("div");
  div.className = "miss-figure";
  div.setAttribute("role", "img");
  div.style.width = "100%";
  el.appendChild(div);
  const label = () => div.setAttribute("aria-label", model.get("alt"));
  label();
  const Plotly = await loadPlotly(model);
  let drawing = Promise.resolve();
  const draw = () => { drawing = drawing.then(() => Plotly.react(div, spec(model))); return drawing; };
  model.on("change:figure", draw);
  model.on("change:alt", label);
  await draw();
  return () => {
    model.off("change:figure", draw);
    model.off("change:alt", label);
    Plotly.purge(div);  // frees the WebGL context of a 3-D view
  };
}

export default { render };
