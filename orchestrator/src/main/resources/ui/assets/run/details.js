// What a run's state holds, for people: its facts and cause, each step with its attempts, error,
// output and usage, what went in and came out, what it cost, and the runs it started.
import {h, table} from "../dom.js";
import {json, money, status, time, tokens} from "../format.js";
import {hint} from "./hints.js";
import {approvalButtons, overrideButton} from "./actions.js";

/** The run's facts: status, tenant, mode, times, parent, cause. */
export function facts(run) {
  return h("dl", {class: "facts"},
    h("dt", {}, "Status"), h("dd", {id: "run-status", "data-status": run.status},
      status(run.status)),
    h("dt", {}, "Tenant"), h("dd", {}, run.tenant),
    h("dt", {}, "Mode"), h("dd", {}, run.mode),
    h("dt", {}, "Started"), h("dd", {}, time(run.createdAt)),
    h("dt", {}, "Changed"), h("dd", {}, time(run.updatedAt)),
    run.parent && [h("dt", {}, "Started by"), h("dd", {},
      h("a", {href: `/ui/runs/${encodeURIComponent(run.parent.runId)}`}, run.parent.runId),
      ` (step ${run.parent.stepId})`)]);
}

/** Why a run failed, or was cancelled: the step, its error class, message and a hint. */
export function failure(cause, title = "Why it failed") {
  if (!cause) return null;
  return h("div", {class: "failure", role: "note"},
    h("strong", {}, title), ": ",
    cause.stepId ? [`step ${cause.stepId}, `] : "",
    h("span", {class: "mono"}, cause.errorClass), cause.attempts ? `, after ${cause.attempts} attempt(s)` : "",
    h("p", {}, cause.message || ""),
    cause.errorClass && h("p", {class: "help"}, hint(cause.errorClass)));
}

/** Each step, with what a person may do about it when it waits or failed. */
export function steps(run, done) {
  const active = ["running", "paused"].includes(run.status);
  return h("div", {}, run.steps.map(step => {
    const actions = [];
    if (active && step.status === "waiting") {
      const signal = step.kind === "plan" ? "approve-plan" : step.signal;
      if (signal) actions.push(approvalButtons(run.runId, step.id, signal, done));
    }
    if (active && (step.status === "failed" || step.status === "waiting")) {
      actions.push(overrideButton(run.runId, step.id, done));
    }
    return h("details", {id: `step-${step.id}`, class: "card step", "data-step": step.id,
      open: step.status === "failed" || step.status === "waiting" || undefined},
      h("summary", {}, h("strong", {}, step.id), " ", status(step.status),
        ` ${step.kind}`, step.attempts ? `, ${step.attempts} attempt(s)` : "",
        step.agentId ? `, on ${step.agentId}` : ""),
      step.signal && h("p", {}, `Waits for the signal `, h("code", {}, step.signal),
        step.waitUntil ? ` until ${time(step.waitUntil)}` : ""),
      step.error && h("div", {class: "failure"},
        h("strong", {}, "Last error: "), h("span", {class: "mono"}, step.error.errorClass),
        h("p", {}, step.error.message || ""),
        h("p", {class: "help"}, hint(step.error.errorClass))),
      step.childRunId && h("p", {}, "Child run: ",
        h("a", {href: `/ui/runs/${encodeURIComponent(step.childRunId)}`}, step.childRunId)),
      step.output !== undefined && [h("h3", {}, "Output"), h("pre", {}, json(step.output))],
      step.usage && (step.usage.promptTokens || step.usage.costUsd) &&
        h("p", {}, `Usage: ${tokens(step.usage)} tokens, ${money(step.usage.costUsd)}`,
          step.usage.model ? ` (${step.usage.model})` : ""),
      actions.length ? h("div", {class: "actions"}, actions) : null);
  }));
}

/** The run's usage, summed and per model. */
export function usage(run) {
  const byModel = new Map();
  for (const step of run.steps) {
    if (!step.usage || !step.usage.model) continue;
    const m = byModel.get(step.usage.model) || {prompt: 0, completion: 0, cost: 0};
    m.prompt += step.usage.promptTokens || 0;
    m.completion += step.usage.completionTokens || 0;
    m.cost += Number(step.usage.costUsd || 0);
    byModel.set(step.usage.model, m);
  }
  const u = run.usage || {};
  return h("div", {},
    h("p", {}, `${tokens(u)} tokens (${u.promptTokens || 0} prompt, ${u.completionTokens || 0}` +
      ` completion), ${money(u.costUsd)}`),
    byModel.size ? table("Usage by model", ["Model", "Prompt", "Completion", "Cost"],
      [...byModel].map(([model, m]) => [model, m.prompt, m.completion, money(m.cost)])) : null);
}

/** What went in (the payload) and what came out (the run's output). */
export function inputsAndOutputs(run, payload) {
  return h("div", {class: "grid"},
    h("div", {}, h("h3", {}, "Payload"), h("pre", {}, json(payload === undefined ? null : payload))),
    h("div", {}, h("h3", {}, "Output"),
      run.output !== undefined ? h("pre", {}, json(run.output)) : h("p", {}, "None yet.")));
}

/** The child runs its steps started. */
export function children(run) {
  const started = run.steps.filter(s => s.childRunId);
  if (started.length === 0) return h("p", {}, "This run started no runs.");
  return h("ul", {}, started.map(s => h("li", {},
    h("a", {href: `/ui/runs/${encodeURIComponent(s.childRunId)}`}, s.childRunId),
    ` (step ${s.id}, ${s.status})`)));
}

/** The audit trail: interventions (who, why) and the dispatchers' decisions. */
export function audit(trail) {
  if (!trail) return h("p", {}, "Loading…");
  return h("div", {},
    h("h3", {}, "Interventions"),
    trail.interventions.length === 0 ? h("p", {}, "None.") :
      table("Interventions", ["When", "What", "Step", "Who", "Why", "Verdict"],
        trail.interventions.map(i => [time(i.at), i.type, i.stepId || "", i.actor || "",
          i.reason || "", i.verdict || ""])),
    h("h3", {}, "Dispatch decisions"),
    trail.entries.length === 0 ? h("p", {}, "None.") :
      table("Dispatch decisions", ["When", "Decision", "Step", "Agent", "Detail"],
        trail.entries.map(e => [time(e.at), e.kind, `${e.stepId} #${e.attempt}`,
          e.agentId || "", e.detail || ""])));
}
