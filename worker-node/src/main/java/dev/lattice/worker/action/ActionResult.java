package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Usage;
import java.util.List;
import java.util.Objects;

/**
 * What an action produced.
 *
 * @param output the step's output
 * @param usage what producing it consumed, earlier tries included
 * @param rejected outputs of earlier tries that the action rejected and asked again after; each
 *     becomes an event of the run
 */
public record ActionResult(JsonNode output, Usage usage, List<RejectedOutput> rejected) {
  public ActionResult {
    Objects.requireNonNull(output, "output");
    usage = usage == null ? Usage.NONE : usage;
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
  }

  public ActionResult(JsonNode output, Usage usage) {
    this(output, usage, List.of());
  }

  public static ActionResult of(JsonNode output) {
    return new ActionResult(output, Usage.NONE);
  }

  public static ActionResult of(JsonNode output, Usage usage) {
    return new ActionResult(output, usage);
  }
}
