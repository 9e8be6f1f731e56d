package dev.lattice.orchestrator.policy;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Records changes of policy (allow-lists, budgets, keys, roles) in the policy audit chain, hashed
 * and signed like every audit chain (docs/security.md, "The audit chain"). A node records the
 * effective policy it starts with; code that changes policy at run time (an endpoint that creates
 * or revokes a key, a configuration reload) calls {@link #record} once the change took effect.
 */
public interface PolicyAudit {
  /**
   * Records that {@code actor} made {@code change}, leaving the policy at {@code version};
   * completes once it is in the chain.
   *
   * @param actor who: the principal's subject or key id, or {@code node HOST:PORT}
   * @param change what, in a sentence (never a secret: a key's id, not the key)
   * @param version the policy's version after it (use {@link PolicyVersion} for configuration, or
   *     the changed thing's own version)
   */
  CompletionStage<Done> record(String actor, String change, String version);
}
