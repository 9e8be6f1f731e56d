// A run's plan as a graph: its steps as boxes, laid out in columns by how deep their
// dependencies go (a step stands right of everything it waits for), and its dependencies as
// arrows. Each box says its state in words as well as in colour, and links to the step's details.
import {svg} from "../dom.js";

const WIDTH = 168;
const HEIGHT = 46;
const GAP_X = 56;
const GAP_Y = 18;
const MARGIN = 12;
const MAX_LABEL = 20;

/** The depth of every step: 0 without dependencies, else one more than its deepest. */
function depths(steps) {
  const byId = new Map(steps.map(s => [s.id, s]));
  const depth = new Map();
  const visit = (step, path) => {
    if (depth.has(step.id)) return depth.get(step.id);
    if (path.has(step.id)) return 0; // A cycle cannot run; draw it anyway.
    path.add(step.id);
    let d = 0;
    for (const dep of step.dependsOn || []) {
      const parent = byId.get(dep);
      if (parent) d = Math.max(d, visit(parent, path) + 1);
    }
    path.delete(step.id);
    depth.set(step.id, d);
    return d;
  };
  steps.forEach(step => visit(step, new Set()));
  return depth;
}

function label(text) {
  return text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 1) + "…" : text;
}

/** The graph of {@code steps} (as GET /api/v1/runs/{id} lists them), as an SVG element. */
export function drawDag(steps) {
  const depth = depths(steps);
  const columns = [];
  for (const step of steps) {
    const d = depth.get(step.id);
    (columns[d] = columns[d] || []).push(step);
  }
  const place = new Map();
  columns.forEach((column, x) => column.forEach((step, y) => place.set(step.id, {
    x: MARGIN + x * (WIDTH + GAP_X),
    y: MARGIN + y * (HEIGHT + GAP_Y),
  })));
  const tallest = Math.max(1, ...columns.map(c => c.length));
  const width = MARGIN * 2 + columns.length * WIDTH + Math.max(0, columns.length - 1) * GAP_X;
  const height = MARGIN * 2 + tallest * HEIGHT + (tallest - 1) * GAP_Y;

  const edges = [];
  for (const step of steps) {
    const to = place.get(step.id);
    for (const dep of step.dependsOn || []) {
      const from = place.get(dep);
      if (!from) continue;
      const x1 = from.x + WIDTH, y1 = from.y + HEIGHT / 2, x2 = to.x - 4, y2 = to.y + HEIGHT / 2;
      const bend = (x2 - x1) / 2;
      edges.push(svg("path", {class: "edge", "marker-end": "url(#arrow)",
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}));
    }
  }
  const nodes = steps.map(step => {
    const {x, y} = place.get(step.id);
    const state = String(step.status).replace("_", " ");
    return svg("a", {href: `#step-${step.id}`, class: `node n-${step.status}`,
      "data-step": step.id, "data-status": step.status,
      "aria-label": `step ${step.id}: ${state}`},
      svg("title", {}, `${step.id} (${step.kind}): ${state}`),
      svg("rect", {x, y, width: WIDTH, height: HEIGHT, rx: 6}),
      svg("text", {x: x + 10, y: y + 19}, label(step.id)),
      svg("text", {x: x + 10, y: y + 36, class: "state"}, state));
  });
  return svg("svg", {width, height, viewBox: `0 0 ${width} ${height}`, role: "group",
    "aria-label": `The run's ${steps.length} steps and their dependencies`},
    svg("defs", {},
      svg("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
        markerHeight: 7, orient: "auto-start-reverse"},
        svg("path", {d: "M0,0 L10,5 L0,10 z", fill: "#6b7280"}))),
    edges, nodes);
}
