// Runs: newest first, filtered by status and tenant, a page at a time, their statuses kept
// current while the page is shown. A form starts a new run from a request's JSON.
import {get, post} from "../api.js";
import {h, replace, table} from "../dom.js";
import {status, time} from "../format.js";
import {navigate} from "../nav.js";
import {maySubmit} from "../session.js";

const STATUSES = ["", "queued", "running", "paused", "completed", "failed", "cancelled"];
const PAGE_SIZE = 20;
const REFRESH_MS = 3000;

const EXAMPLE = JSON.stringify({
  plan: {steps: [
    {id: "fetch", kind: "agent", capability: "echo", input: {text: "hello"}},
    {id: "left", kind: "agent", capability: "echo", dependsOn: ["fetch"]},
    {id: "right", kind: "agent", capability: "echo", dependsOn: ["fetch"]},
    {id: "approval", kind: "wait", signal: "approve", dependsOn: ["left", "right"]},
  ]},
}, null, 2);

export function render(main, params, query) {
  const filter = {status: query.get("status") || "", tenant: query.get("tenant") || ""};
  // The cursors of the pages before this one, to go back to.
  const cursors = [];
  let cursor = null;
  let timer = null;
  let stopped = false;

  const statusSelect = h("select", {id: "filter-status", name: "status"},
    STATUSES.map(s => h("option", {value: s, selected: s === filter.status}, s || "any")));
  const tenantInput = h("input", {id: "filter-tenant", name: "tenant", value: filter.tenant,
    placeholder: "any", autocomplete: "off", size: 14});
  const filters = h("form", {class: "row", role: "search", "aria-label": "Filter runs"},
    h("div", {}, h("label", {for: "filter-status"}, "Status"), statusSelect),
    h("div", {}, h("label", {for: "filter-tenant"}, "Tenant"), tenantInput),
    h("button", {type: "submit"}, "Filter"));
  const list = h("div", {id: "runs-list", "aria-live": "off"});
  const newer = h("button", {type: "button", class: "quiet", disabled: true}, "Newer");
  const older = h("button", {type: "button", class: "quiet", disabled: true}, "Older");

  filters.addEventListener("submit", event => {
    event.preventDefault();
    filter.status = statusSelect.value;
    filter.tenant = tenantInput.value.trim();
    const search = new URLSearchParams();
    if (filter.status) search.set("status", filter.status);
    if (filter.tenant) search.set("tenant", filter.tenant);
    history.replaceState(null, "", "/ui/runs" + (search.size ? "?" + search : ""));
    cursors.length = 0;
    cursor = null;
    load();
  });
  newer.addEventListener("click", () => {
    cursor = cursors.pop() || null;
    load();
  });
  let next = null;
  older.addEventListener("click", () => {
    cursors.push(cursor);
    cursor = next;
    load();
  });

  async function load() {
    clearTimeout(timer);
    const search = new URLSearchParams({limit: PAGE_SIZE});
    if (filter.status) search.set("status", filter.status);
    if (filter.tenant) search.set("tenant", filter.tenant);
    if (cursor) search.set("after", cursor);
    try {
      const page = await get(`/api/v1/runs?${search}`);
      if (stopped) return;
      next = page.next || null;
      older.disabled = !next;
      newer.disabled = cursors.length === 0 && !cursor;
      replace(list, page.runs.length === 0
        ? h("p", {}, "No runs match.")
        : table("Runs, newest first", ["Run", "Status", "Tenant", "Source", "Started", "Changed"],
          page.runs.map(run => [
            h("a", {href: `/ui/runs/${encodeURIComponent(run.runId)}`, class: "mono"}, run.runId),
            status(run.status), run.tenant, run.source || "", time(run.createdAt),
            time(run.updatedAt)])));
    } catch (e) {
      if (stopped) return;
      replace(list, h("p", {class: "error", role: "alert"}, `Cannot list runs: ${e.message}`));
    }
    if (!document.hidden) timer = setTimeout(load, REFRESH_MS);
  }

  main.append(
    h("h1", {}, "Runs"),
    filters,
    h("section", {"aria-labelledby": "runs-heading"},
      h("h2", {id: "runs-heading", class: "visually-hidden"}, "Runs"),
      list,
      h("div", {class: "pager"}, newer, older)),
    maySubmit() ? newRunForm() : null);
  const onVisible = () => !document.hidden && load();
  document.addEventListener("visibilitychange", onVisible);
  load();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}

/** A request's JSON, as POST /api/v1/execute takes it, to start a run from. */
function newRunForm() {
  const request = h("textarea", {id: "new-run-request", name: "request", rows: 12,
    spellcheck: "false", "aria-describedby": "new-run-help"}, EXAMPLE);
  const error = h("p", {class: "error", role: "alert", hidden: true});
  const form = h("form", {},
    h("label", {for: "new-run-request"}, "Request (JSON)"),
    h("p", {id: "new-run-help", class: "help"},
      "A plan, an intent with a payload, or a goal, as POST /api/v1/execute takes it."),
    request, error,
    h("button", {type: "submit", id: "start-run"}, "Start run"));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    error.hidden = true;
    let body;
    try {
      body = JSON.parse(request.value);
    } catch (e) {
      error.textContent = `Not JSON: ${e.message}`;
      error.hidden = false;
      return;
    }
    try {
      const accepted = await post("/api/v1/execute", body);
      navigate(`/ui/runs/${encodeURIComponent(accepted.runId)}`);
    } catch (e) {
      error.textContent = `The run was not started: ${e.message}`;
      error.hidden = false;
    }
  });
  return h("details", {class: "card"}, h("summary", {}, "Start a run"), form);
}
