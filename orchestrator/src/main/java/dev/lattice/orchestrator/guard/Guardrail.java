package dev.lattice.orchestrator.guard;

/**
 * A check on what crosses between a tool loop's model, its tools and the world: register more with
 * {@code Lattice.builder().guardrail(name, guardrail)} and configure when it applies and what it
 * does under {@code lattice.guardrails.NAME} (docs/agents.md, "Guardrails").
 *
 * <p>Called on a dispatcher's thread for every turn and call it applies to: keep it quick and never
 * block. Its verdict is audited; in {@code abort} mode a finding stops the call.
 */
@FunctionalInterface
public interface Guardrail {
  /**
   * What is wrong with {@code guarded}, in a sentence for people and for the model; null if fine.
   */
  String check(Guarded guarded);
}
