// Interventions on a run, each asking for a reason first: pause, resume and cancel the run;
// approve or reject a step waiting for a signal; override a failed or waiting step with an
// output. What the run's status does not allow is not offered.
import {post} from "../api.js";
import {h} from "../dom.js";
import {askReason} from "../dialog.js";
import {mayIntervene} from "../session.js";

const base = runId => `/api/v1/runs/${encodeURIComponent(runId)}`;

/** Who the audit trail records beside the signed-in principal: where the decision was made. */
const ACTOR = "dashboard";

/** Runs {@code call} after asking why; reports the outcome through {@code done}. */
async function intervene(title, action, call, done, options = {}) {
  const answer = await askReason(title, action, options);
  if (!answer) return;
  try {
    await call(answer);
    done(null);
  } catch (e) {
    done(e);
  }
}

/** The run's own interventions, as buttons. */
export function runActions(run, done) {
  if (!mayIntervene()) return null;
  const id = run.runId;
  const active = ["queued", "running", "paused"].includes(run.status);
  const buttons = [];
  if (run.status === "running" || run.status === "queued") {
    buttons.push(h("button", {type: "button", id: "pause-run",
      onclick: () => intervene("Pause this run?", "Pause",
        a => post(`${base(id)}/pause`, {actor: ACTOR, reason: a.reason}), done)}, "Pause"));
  }
  if (run.status === "paused") {
    buttons.push(h("button", {type: "button", id: "resume-run",
      onclick: () => intervene("Resume this run?", "Resume",
        a => post(`${base(id)}/resume`, {actor: ACTOR, reason: a.reason}), done)}, "Resume"));
  }
  if (active) {
    buttons.push(h("button", {type: "button", id: "cancel-run", class: "danger",
      onclick: () => intervene("Cancel this run?", "Cancel run",
        a => post(`${base(id)}/cancel`, {actor: ACTOR, reason: a.reason}), done, {danger: true})},
      "Cancel"));
  }
  return buttons.length ? h("div", {class: "actions", role: "group",
    "aria-label": "Interventions"}, buttons) : null;
}

/** Approve and Reject for a step waiting for {@code signal}; used on the Approvals page too. */
export function approvalButtons(runId, stepId, signal, done) {
  if (!mayIntervene()) return h("span", {class: "help"}, "an operator decides");
  const plan = signal === "approve-plan";
  const approve = a => post(`${base(runId)}/signals/${encodeURIComponent(signal)}`,
    {stepId, actor: ACTOR, reason: a.reason, data: plan ? undefined : {approved: true}});
  // A rejected plan cannot run: its run is cancelled. A rejected wait step is told so in its
  // output ({"approved": false}), for a gate after it to act on.
  const reject = a => plan
    ? post(`${base(runId)}/cancel`, {actor: ACTOR, reason: `plan rejected: ${a.reason}`})
    : post(`${base(runId)}/signals/${encodeURIComponent(signal)}`,
      {stepId, actor: ACTOR, reason: a.reason, data: {approved: false}});
  return h("div", {class: "actions", role: "group", "aria-label": `Decide on ${stepId}`},
    h("button", {type: "button", class: "approve", "data-approve": stepId,
      onclick: () => intervene(`Approve ${stepId}?`, "Approve", approve, done)}, "Approve"),
    h("button", {type: "button", class: "danger", "data-reject": stepId,
      onclick: () => intervene(`Reject ${stepId}?`, "Reject", reject, done, {danger: true})},
    "Reject"));
}

/** Override for a failed or waiting step: completes it with the output given. */
export function overrideButton(runId, stepId, done) {
  if (!mayIntervene()) return null;
  return h("button", {type: "button", class: "quiet", "data-override": stepId,
    onclick: () => intervene(`Override ${stepId}?`, "Override",
      a => post(`${base(runId)}/steps/${encodeURIComponent(stepId)}/override`,
        {output: a.output, actor: ACTOR, reason: a.reason}), done, {withOutput: true})},
  "Override");
}
