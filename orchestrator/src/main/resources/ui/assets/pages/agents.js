// Agents and queues: the cluster's worker agents with their capabilities, load and circuit
// breakers (GET /api/v1/agents), and each dispatcher's queue with its depth, waits and failures
// (GET /api/v1/state, which only an admin of every tenant may read).
import {get} from "../api.js";
import {h, replace, table} from "../dom.js";

const REFRESH_MS = 5000;

function breaker(b) {
  return b ? `${b.state}${b.consecutiveFailures ? ` (${b.consecutiveFailures} failures)` : ""}` : "closed";
}

export function render(main) {
  const agents = h("div", {});
  const queues = h("div", {});
  let timer = null;
  let stopped = false;

  async function load() {
    clearTimeout(timer);
    try {
      const list = await get("/api/v1/agents");
      if (stopped) return;
      replace(agents, table("Agents",
        ["Agent", "Node", "Capabilities", "Status", "Load", "Breaker", "Models"],
        list.map(a => [h("span", {class: "mono"}, a.agentId), a.node, a.capabilities.join(", "),
          a.status, `${a.load} / ${a.maxConcurrent}`, breaker(a.breaker),
          (a.models || []).join(", ")])));
    } catch (e) {
      if (!stopped) replace(agents, h("p", {class: "error"}, `Cannot list agents: ${e.message}`));
    }
    try {
      const state = await get("/api/v1/state");
      if (stopped) return;
      replace(queues, state.queues.length === 0 ? h("p", {}, "No queue on this node yet.") :
        table("Queues", ["Bus key", "Queued", "In flight", "Wait p50 / p90 / p99", "Failures",
          "Held back"],
        state.queues.map(q => [h("span", {class: "mono"}, q.busKey), q.queued, q.inFlight,
          q.queueWait.count ? [q.queueWait.p50Ms, q.queueWait.p90Ms, q.queueWait.p99Ms]
            .map(ms => Number(ms).toFixed(1)).join(" / ") + " ms" : "none recently",
          Object.entries(q.failures).map(([k, v]) => `${k}: ${v}`).join(", "),
          Object.entries(q.waiting).map(([k, v]) => `${k}: ${v}`).join("; ")])));
    } catch (e) {
      if (stopped) return;
      replace(queues, h("p", {class: "notice"}, e.status === 403
        ? "Queues show every tenant's work: only an admin of every tenant sees them."
        : `Cannot read the queues: ${e.message}`));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  }

  main.append(h("h1", {}, "Agents and queues"),
    h("section", {"aria-labelledby": "agents-heading"},
      h("h2", {id: "agents-heading"}, "Agents"), agents),
    h("section", {"aria-labelledby": "queues-heading"},
      h("h2", {id: "queues-heading"}, "Queues on this node"), queues));
  load();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
