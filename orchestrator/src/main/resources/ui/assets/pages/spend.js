// Spend: each tenant's budget and what its current period spent and holds (GET
// /api/v1/budgets), kept current; and the tokens and cost of the newest runs per tenant and
// model, from the runs' own usage.
import {get} from "../api.js";
import {h, replace, table} from "../dom.js";
import {money, time} from "../format.js";

const RUNS = 50;
const PARALLEL = 4;
const REFRESH_MS = 15000;
const BUDGETS_REFRESH_MS = 3000;

/** Used against a limit, as a meter with its figures in words ({@code show} writes a figure). */
function against(used, limit, show) {
  if (limit === undefined || limit === null) return `${show(used)}, no limit`;
  const [u, l] = [Number(used), Number(limit)];
  const share = l === 0 ? 100 : Math.round((u / l) * 100);
  const label = `${show(u)} of ${show(l)} (${share}%)`;
  return h("span", {}, h("meter", {min: 0, max: l, value: Math.min(u, l), high: l * 0.8,
    "aria-label": label}), " ", label);
}

const tokenCount = n => `${n} tokens`;

function budgetsTable(found) {
  if (found.budgets.length === 0) {
    return h("p", {}, "No tenant you can see has a budget (lattice.policy.tenants.NAME.budget).");
  }
  return table("Budgets by tenant", ["Tenant", "Period since", "Tokens", "Cost", "Held by running"],
    found.budgets.map(b => [b.tenant, time(b.periodStart),
      against(b.used.tokens, b.limit.maxTokens, tokenCount),
      against(b.used.costUsd, b.limit.maxCostUsd, money),
      `${b.reserved.tokens} tokens, ${money(b.reserved.costUsd)}`]));
}

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
  const summary = h("div", {}, h("p", {}, "Reading the newest runs…"));
  const budgets = h("div", {id: "budgets"});
  let timer = null;
  let budgetTimer = null;
  let stopped = false;

  async function loadBudgets() {
    clearTimeout(budgetTimer);
    try {
      const found = await get("/api/v1/budgets");
      if (!stopped) replace(budgets, budgetsTable(found));
    } catch (e) {
      if (!stopped) replace(budgets, h("p", {class: "error"}, `Cannot read budgets: ${e.message}`));
    }
    if (!stopped) budgetTimer = setTimeout(loadBudgets, BUDGETS_REFRESH_MS);
  }

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
    h("section", {"aria-labelledby": "budgets-heading"},
      h("h2", {id: "budgets-heading"}, "Budgets in their current period"), budgets),
    h("section", {"aria-labelledby": "models-heading"},
      h("h2", {id: "models-heading"}, "Newest runs by tenant and model"),
      h("p", {class: "help"}, `Tokens and cost of the newest ${RUNS} runs you can see.`),
      summary));
  loadBudgets();
  load();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(budgetTimer);
  };
}
