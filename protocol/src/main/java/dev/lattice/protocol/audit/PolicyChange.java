package dev.lattice.protocol.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * A row of the policy chain: the policy a node started with, or a change made to it (an allow-list,
 * a budget, a key, a role), with the policy's version after it.
 *
 * @param at when
 * @param actor who: a node ({@code node HOST:PORT}) for the policy it started with, else the
 *     principal that changed it
 * @param change what, in a sentence
 * @param version the policy's version after it: {@code sha256:HEX} of the effective policy, or the
 *     changed thing's own version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyChange(Instant at, String actor, String change, String version) {
  public PolicyChange {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(version, "version");
  }
}
