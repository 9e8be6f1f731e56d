// The attempts of a run's steps on one time axis, from its events: when each attempt started and
// ended (or how long it has been going), and how each wait lasted. Each bar also says its step,
// attempt, duration and outcome in words.
import {h} from "../dom.js";
import {duration} from "../format.js";

/** The attempts {@code events} tell of, in the order they started. */
export function attempts(events) {
  const byKey = new Map();
  let runStart = null;
  const at = e => Date.parse(e.timestamp);
  const key = e => `${e.stepId}#${e.attempt || 1}`;
  const attempt = e => {
    if (!byKey.has(key(e))) {
      byKey.set(key(e), {stepId: e.stepId, attempt: e.attempt || 1, start: at(e), end: null,
        outcome: "running"});
    }
    return byKey.get(key(e));
  };
  for (const e of events) {
    if (e.seq === undefined) continue; // Streamed text.
    if (e.type === "run.started") runStart = at(e);
    if (!e.stepId) continue;
    switch (e.type) {
      case "step.dispatched":
      case "step.started":
        attempt(e);
        break;
      case "step.waiting":
        attempt(e).outcome = "waiting";
        break;
      case "step.succeeded":
      case "step.failed": {
        const a = attempt(e);
        if (e.data && e.data.startedAt) a.start = Date.parse(e.data.startedAt);
        a.end = at(e);
        a.outcome = e.type === "step.succeeded" ? "succeeded" : "failed";
        break;
      }
      case "step.signalled":
      case "step.overridden": {
        const a = attempt(e);
        a.end = at(e);
        a.outcome = "succeeded";
        break;
      }
      default:
    }
  }
  return {runStart, list: [...byKey.values()].sort((a, b) => a.start - b.start)};
}

/** The timeline of {@code events}, as a labelled list of bars. */
export function drawTimeline(events, now = Date.now()) {
  const {runStart, list} = attempts(events);
  if (list.length === 0) return h("p", {}, "No attempts yet.");
  const start = runStart || list[0].start;
  const end = Math.max(...list.map(a => a.end || now), start + 1);
  const span = end - start;
  return h("ol", {}, list.map(a => {
    const took = (a.end || now) - a.start;
    const text = `${a.stepId} #${a.attempt}: ${duration(took)}, ${a.outcome}` +
      (a.end ? "" : " (so far)");
    const bar = h("span", {class: `bar b-${a.outcome}`, title: text});
    bar.style.left = `${((a.start - start) / span) * 100}%`;
    bar.style.width = `${Math.max(0.5, (took / span) * 100)}%`;
    return h("li", {}, h("span", {class: "mono"}, text),
      h("span", {class: "track", "aria-hidden": "true"}, bar));
  }));
}
