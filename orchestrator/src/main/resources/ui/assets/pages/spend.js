// Spend: tokens and cost of the newest runs, per tenant and model, from the runs' own usage.
// The API does not give tenants' budgets and their periods' spend yet: the page says so.
import {get} from "../api.js";
import {h, replace, table} from "../dom.js";
import {money} from "../format.js";

const RUNS = 50;
const PARALLEL = 4;
const REFRESH_MS = 15000;

async function views(runs) {
  const found = [];
  for (let i = 0; i < runs.length; i += PARALLEL) {
    const batch = runs.slice(i, i + PARALLEL).map(r =>
      get(`/api/v1/runs/${encodeURIComponent(r.runId)}`).catch(() => null));
    found.push(...(await Promise.all(batch)).filter(Boolean));
  }
  return found;
}

export function render(main) {
  const summary = h("div", {});
  let timer = null;
  let stopped = false;

  async function load() {
    clearTimeout(timer);
    try {
      const page = await get(`/api/v1/runs?limit=${RUNS}`);
      const runs = await views(page.runs);
      if (stopped) return;
      const rows = new Map();
      for (const run of runs) {
        for (const step of run.steps) {
          const u = step.usage;
          if (!u || (!u.promptTokens && !u.completionTokens && !Number(u.costUsd))) continue;
          const key = `${run.tenant}\u0000${u.model || "(none)"}`;
          const row = rows.get(key) || {tenant: run.tenant, model: u.model || "(none)",
            prompt: 0, completion: 0, cost: 0, runs: new Set()};
          row.prompt += u.promptTokens || 0;
          row.completion += u.completionTokens || 0;
          row.cost += Number(u.costUsd || 0);
          row.runs.add(run.runId);
          rows.set(key, row);
        }
      }
      replace(summary, rows.size === 0 ? h("p", {}, "The newest runs spent nothing.") :
        table("Spend by tenant and model", ["Tenant", "Model", "Prompt tokens",
          "Completion tokens", "Cost", "Runs"],
        [...rows.values()].map(r => [r.tenant, r.model, r.prompt, r.completion, money(r.cost),
          r.runs.size])));
    } catch (e) {
      if (!stopped) replace(summary, h("p", {class: "error"}, `Cannot read spend: ${e.message}`));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  }

  main.append(h("h1", {}, "Spend"),
    h("p", {class: "help"}, `Tokens and cost of the newest ${RUNS} runs you can see, by tenant ` +
      "and model. Budgets per tenant and period are enforced by the node " +
      "(lattice.policy.tenants) but not yet served by the API, so they are not shown here."),
    summary);
  load();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
