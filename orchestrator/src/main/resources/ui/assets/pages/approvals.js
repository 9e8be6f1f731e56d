// Approvals: every step waiting for a signal across runs (a person's approval, a plan waiting to
// be approved), with Approve and Reject, kept current while the page is shown. The navigation
// shows how many wait.
import {get} from "../api.js";
import {announce, h, replace, table} from "../dom.js";
import {status, time} from "../format.js";
import {approvalButtons} from "../run/actions.js";

const REFRESH_MS = 3000;
const COUNT_REFRESH_MS = 10000;

export function render(main) {
  const list = h("div", {id: "approvals-list"});
  const message = h("p", {class: "error", role: "alert", hidden: true});
  let timer = null;
  let stopped = false;

  const done = error => {
    if (error) {
      message.textContent = `Not sent: ${error.message}`;
      message.hidden = false;
    } else {
      message.hidden = true;
      announce("Sent.");
    }
    load();
  };

  async function load() {
    clearTimeout(timer);
    try {
      const found = await get("/api/v1/approvals");
      if (stopped) return;
      replace(list,
        found.approvals.length === 0 ? h("p", {}, "Nothing waits for a decision.") :
          table("Steps waiting for a decision",
            ["Run", "Tenant", "Step", "Waits for", "Run status", "Until", "Decision"],
            found.approvals.map(a => [
              h("a", {href: `/ui/runs/${encodeURIComponent(a.runId)}`, class: "mono"}, a.runId),
              a.tenant,
              h("span", {}, a.stepId, a.kind === "plan" ? " (a plan to approve)" : ""),
              h("code", {}, a.signal),
              status(a.runStatus),
              a.waitUntil ? time(a.waitUntil) : "no limit",
              approvalButtons(a.runId, a.stepId, a.signal, done)])),
        found.complete ? null : h("p", {class: "notice"},
          `Only the newest ${found.runsScanned} unfinished runs were looked at.`));
    } catch (e) {
      if (stopped) return;
      replace(list, h("p", {class: "error", role: "alert"}, `Cannot list approvals: ${e.message}`));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  }

  main.append(
    h("h1", {}, "Approvals"),
    h("p", {class: "help"}, "Steps waiting for a signal. Approve sends the signal with " +
      "{\"approved\": true}; Reject with {\"approved\": false} (a rejected plan cancels its run). " +
      "Each asks for a reason, recorded in the run's audit trail."),
    message, list);
  load();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Keeps {@code badge} showing how many steps wait, on every page. */
export function watchCount(badge) {
  const update = async () => {
    try {
      const found = await get("/api/v1/approvals");
      const n = found.approvals.length;
      badge.textContent = n ? `${n}` : "";
      badge.hidden = n === 0;
      badge.setAttribute("aria-label", `${n} waiting`);
    } catch (e) {
      badge.hidden = true;
    }
  };
  update();
  setInterval(update, COUNT_REFRESH_MS);
}
