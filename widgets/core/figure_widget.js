// The suite's front-end module. Two widgets render from it:
//
// * a figure (widgets.core.figures.FigureView): one plotly figure that updates in place.
//   plotly.js is evaluated once per page, from the copy the kernel's plotly package carries
//   (sent once per kernel by a shared loader widget); every later change of the figure goes
//   through Plotly.react on the same div, so a 3-D view keeps its WebGL context and the camera
//   the student chose (uirevision). The figure carries its text alternative (role="figure",
//   aria-label), kept up to date with the figure.
// * a key guard (widgets.core.a11y.KeyGuard), which draws nothing: it marks its view's output
//   area with data-lm-suppress-shortcuts, so that JupyterLab leaves the keys of a focused
//   control (arrows, Home/End, Space, Enter) to the control, and it names what other
//   libraries draw without a name in the notebook's outputs: slider handles get their
//   slider's description, plotly's mode-bar buttons their title, plotly figures drawn
//   without the figure widget the text alternative the suite put in layout.meta.alt,
//   a figure is tied (aria-details and a link) to the "data table behind the figure",
//   an output that scrolls sideways can be focused and scrolled from the keyboard, and a
//   focused button that becomes disabled hands the focus to its neighbour.
const PREFIX = "IPY_MODEL_";
const AREA = ".jp-OutputArea-output";
const FOCUSABLE = "input, select, textarea, button, a[href], [tabindex], [contenteditable=true]";

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

// Yield until the page is idle (or 3 s have passed): drawing a 3-D figure in software WebGL is a
// long task, and anywidget gives every widget model only 2 s to start; models first, figures after.
function idle() {
  return new Promise(resolve => (globalThis.requestIdleCallback
    ? globalThis.requestIdleCallback(() => resolve(), { timeout: 3000 }) : setTimeout(resolve, 0)));
}

// Resolves at the next change of a trace's digest or of the figure's list of digests, or after
// `ms`: each trace is a model of its own, synced on its own, so the list may arrive before a
// trace's new text, or a trace may already be a change ahead of the list.
function nextChange(model, traces, ms) {
  return new Promise(resolve => {
    const targets = [[model, "change:digests"], ...traces.map(t => [t, "change:digest"])];
    const done = () => { for (const [m, e] of targets) m.off(e, done); clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, ms);
    for (const [m, e] of targets) m.on(e, done);
  });
}

async function renderFigure({ model, el }) {
  const div = document.createElement("div");
  div.className = "miss-figure";
  // "figure", not "img": an img's children are hidden, yet plotly's mode bar holds buttons
  div.setAttribute("role", "figure");
  div.style.width = "100%";
  el.appendChild(div);
  const label = () => div.setAttribute("aria-label", model.get("alt"));
  label();
  await idle();
  const Plotly = await loadPlotly(model);
  const parsed = new Map();  // trace model id -> { digest, trace }: a trace is parsed once per change
  const spec = async () => {
    let refs, digests, traces;
    for (const start = performance.now(); ;) {  // until every trace shows the digest the figure lists
      refs = model.get("traces") || [];
      digests = model.get("digests") || [];
      traces = await Promise.all(refs.map(ref => model.widget_manager.get_model(ref.slice(PREFIX.length))));
      const waiting = traces.filter((t, i) => t.get("digest") !== digests[i]);
      if (!waiting.length) break;
      const left = 10000 - (performance.now() - start);
      if (left <= 0) { console.warn("[miss figure] drawn before every trace arrived"); break; }
      await nextChange(model, waiting, left);
    }
    const data = traces.map((t, i) => {
      let entry = parsed.get(t.model_id);
      if (!entry || entry.digest !== digests[i]) {
        entry = { digest: digests[i], trace: JSON.parse(t.get("spec") || "{}") };
        parsed.set(t.model_id, entry);  // an unchanged trace stays the same object for Plotly.react
      }
      return entry.trace;
    });
    const shown = new Set(traces.map(t => t.model_id));
    for (const id of parsed.keys()) if (!shown.has(id)) parsed.delete(id);
    const layout = JSON.parse(model.get("plot_layout") || "{}");
    if (layout.uirevision === undefined) layout.uirevision = "kept";  // keep camera, zoom, legend
    const frames = JSON.parse(model.get("frames") || "[]");
    // 3-D views are drawn at the screen's own pixel density (plotly's default is twice it: four
    // times the pixels to shade, which in software WebGL doubles the time of every frame)
    const ratio = Math.min(2, Math.max(1, Math.round(globalThis.devicePixelRatio || 1)));
    return { data, layout, frames: frames.length ? frames : undefined,
             config: { displaylogo: false, responsive: true, plotGlPixelRatio: ratio } };
  };
  // one drawing at a time, and changes that arrive while one waits are drawn together; the first
  // drawing waits until the page is idle, a change is drawn at once (the student is waiting)
  let drawing = Promise.resolve();
  let queued = false;
  let first = true;
  const draw = () => {
    if (queued) return drawing;
    queued = true;
    const wait = first ? idle : () => undefined;
    first = false;
    drawing = drawing.then(wait).then(async () => {
      queued = false;
      await Plotly.react(div, await spec());
    }).catch(error => console.error("[miss figure] could not draw the figure:", error));
    return drawing;
  };
  const changes = "change:digests change:plot_layout change:frames";
  model.on(changes, draw);
  model.on("change:alt", label);
  await draw();
  return () => {
    model.off(changes, draw);
    model.off("change:alt", label);
    Plotly.purge(div);  // frees the WebGL context of a 3-D view
  };
}

// ----------------------------------------------------------------------------- key guard

function setIf(el, name, value) {
  if (value && el.getAttribute(name) !== value) el.setAttribute(name, value);
}

let tableCount = 0;
let regionCount = 0;

// Give a name to what has none, in every output area under root (idempotent; attributes only).
export function nameOutputs(root) {
  for (const handle of root.querySelectorAll(".noUi-handle")) {
    const slider = handle.closest(".widget-slider");
    const label = slider && slider.querySelector(".widget-label");
    setIf(handle, "aria-label", (label && label.textContent.trim()) || "Slider");
  }
  for (const img of root.querySelectorAll("img.widget-image")) {  // a view's image: the text tied to it
    const token = Array.from(img.classList).find(c => c.startsWith("miss-pair-"));
    const text = token && document.querySelector(`.miss-alt.${CSS.escape(token)}`);
    if (text && text.id === "") text.id = `${token}-text`;
    if (text) setIf(img, "aria-describedby", text.id);
    setIf(img, "alt", (text && text.textContent.trim().slice(0, 300))
      || "Model rendering, described in the text beside it");
  }
  for (const button of root.querySelectorAll(".modebar-btn")) {
    setIf(button, "aria-label", button.getAttribute("data-title"));
    setIf(button, "role", "button");
  }
  for (const plot of root.querySelectorAll(".js-plotly-plot")) {
    if (plot.closest(".miss-figure")) continue;  // the figure widget labels itself
    const meta = plot.layout && plot.layout.meta;
    const title = plot.querySelector(".gtitle");
    setIf(plot, "role", "figure");
    setIf(plot, "aria-label", (meta && meta.alt) || (title && title.textContent.trim()) || "Figure");
  }
  const areas = root.matches(AREA) ? [root] : Array.from(root.querySelectorAll(AREA));
  const boxes = areas.flatMap(a => Array.from(a.querySelectorAll(".widget-box")));
  // every size is read first, then attributes written: one layout per pass, not one per element
  const scrollers = [...areas, ...boxes].filter(el => !el.hasAttribute("tabindex")
    && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1));
  for (const area of scrollers) {  // an output or box wider than its cell scrolls: reachable from the keyboard
    area.setAttribute("tabindex", "0");
    area.setAttribute("role", "region");
    const caption = area.querySelector("caption, h1, h2, h3, h4");
    const about = caption ? `: ${caption.textContent.trim().slice(0, 80)}` : "";
    area.setAttribute("aria-label", `Scrolling output ${++regionCount}${about}`);  // unique names
    area.setAttribute("data-lm-suppress-shortcuts", "true");
  }
  // JupyterLab looks for the attribute from the focused element up, but a shortcut whose selector
  // ends in ":focus" matches the control itself first: so every control of a guarded area carries it.
  for (const area of areas) {
    if (!area.hasAttribute("data-lm-suppress-shortcuts")) continue;
    for (const control of area.querySelectorAll(FOCUSABLE)) setIf(control, "data-lm-suppress-shortcuts", "true");
  }
  for (const area of areas) {
    const figures = Array.from(area.querySelectorAll(".miss-figure, .js-plotly-plot"))
      .filter(f => !f.parentElement.closest(".miss-figure, .js-plotly-plot"));
    if (!figures.length) continue;
    const table = Array.from(area.querySelectorAll("table")).find(t => {
      const caption = t.querySelector("caption");
      return caption && /behind the figure/i.test(caption.textContent);
    });
    if (!table) continue;
    if (!table.id) table.id = `miss-data-table-${++tableCount}`;
    for (const figure of figures) {
      setIf(figure, "aria-details", table.id);
      const host = figure.parentElement;
      if (!host.querySelector(":scope > a.miss-table-link")) {
        const link = document.createElement("a");
        link.className = "miss-table-link";
        link.href = `#${table.id}`;
        link.textContent = "Go to the data table behind this figure";
        link.style.cssText = "display:inline-block;margin:0.25em 0;font-size:0.9em;";
        link.addEventListener("click", event => {
          event.preventDefault();
          table.setAttribute("tabindex", "-1");
          table.focus();
        });
        host.appendChild(link);
      }
    }
  }
}

function connected(el) {
  return new Promise(resolve => {
    const tick = () => (el.isConnected ? resolve() : setTimeout(tick, 50));
    tick();
  });
}

async function renderGuard({ el }) {
  el.classList.add("miss-key-guard");
  el.setAttribute("aria-hidden", "true");
  await connected(el);
  const area = el.closest(AREA) || el.parentElement;
  if (area) area.setAttribute("data-lm-suppress-shortcuts", "true");  // its controls get it too
  const root = el.closest(".jp-Notebook") || area || document.body;
  watch(root);
  const keep = area ? keepFocus(area) : null;
  return () => { unwatch(root); if (keep) keep.disconnect(); };
}

// A focused button that becomes disabled (the quiz's Next on the last question) would drop the
// focus to the page: hand it to the nearest enabled control of the same box instead.
function keepFocus(area) {
  const observer = new MutationObserver(records => {
    for (const record of records) {
      const gone = record.target;
      if (!gone.disabled) continue;
      const active = document.activeElement;
      if (active && active !== document.body && active !== gone) continue;
      const box = gone.parentElement && gone.parentElement.closest(".widget-box") || area;
      const all = Array.from(box.querySelectorAll("button, select, input, textarea, [tabindex]"))
        .filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0);
      const before = all.filter(e => e.compareDocumentPosition(gone) & Node.DOCUMENT_POSITION_FOLLOWING);
      const next = before.length ? before[before.length - 1] : all[0];
      if (next) next.focus();
    }
  });
  observer.observe(area, { attributes: true, attributeFilter: ["disabled"], subtree: true });
  return observer;
}

// One observer per notebook, however many guards it holds.
const watched = new Map();

function watch(root) {
  const entry = watched.get(root);
  if (entry) { entry.guards += 1; nameOutputs(root); return; }
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; nameOutputs(root); }, 250);
  });
  observer.observe(root, { childList: true, subtree: true });
  watched.set(root, { observer, guards: 1 });
  nameOutputs(root);
}

function unwatch(root) {
  const entry = watched.get(root);
  if (entry && --entry.guards === 0) { entry.observer.disconnect(); watched.delete(root); }
}

function render(props) {
  return props.model.get("guard") ? renderGuard(props) : renderFigure(props);
}

export default { render };
