// What usually fixes a failure of each error class, in a sentence (DESIGN.md §4's classes).

const HINTS = {
  auth: "The agent's credentials were refused: an expired, revoked or wrong API key or token " +
    "for the provider. Renew the key in the node's environment or secret store, then retry.",
  budget_exceeded: "A budget ran out (the step's, the run's or the tenant's). Raise the step's " +
    "budget in the plan, or the tenant's in lattice.policy.tenants, or wait for the next period.",
  rate_limited: "The provider asked to slow down. Lattice retries after its Retry-After; if it " +
    "keeps happening, lower the provider's limits.requests-per-minute or tokens-per-minute.",
  timeout: "The attempt took longer than its time limit. Raise the step's timeouts " +
    "(startToCloseMs), or look at why the agent is slow (lattice state shows queue waits).",
  invalid_input: "The step's input is not what its agent takes: check the input template and " +
    "the outputs it refers to. Retrying the same input fails the same way.",
  malformed_output: "The agent's answer was not the JSON its schema asks for. Loosen the schema, " +
    "improve the prompt, or allow more repair tries.",
  policy_denied: "A policy refused it: a model or tool not on the tenant's allow-list. See the " +
    "audit trail's 'denied' entry for the rule.",
  worker_lost: "The agent's node went away while it ran. Lattice retries on another agent; if " +
    "attempts ran out, raise maxAttempts or look at the node's health.",
  agent_error: "The agent failed. Its message below says why; fix the cause, then override or " +
    "run again.",
  cancelled: "Someone cancelled the run (the audit trail says who and why).",
  tool_limit: "The agent's tool loop reached its maxTurns or maxToolCalls: raise them, or make " +
    "the task smaller.",
  loop_limit: "The loop ran maxIterations times without its condition holding: raise it, or " +
    "check the condition.",
  invalid_plan: "The planner wrote no plan that can run within its turns: see the plan.asked " +
    "events for why each was refused.",
  unknown_outcome: "A tool that changes something was running when its node died: check whether " +
    "it happened, then override the step with its result, or retry it.",
};

/** The hint for {@code errorClass}, or a general one. */
export function hint(errorClass) {
  return HINTS[errorClass] || "See the step's last error and the run's events.";
}
