package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.Usage;
import java.util.Objects;

/**
 * What an action produced.
 *
 * @param output the step's output
 * @param usage what producing it consumed
 */
public record ActionResult(JsonNode output, Usage usage) {
  public ActionResult {
    Objects.requireNonNull(output, "output");
    usage = usage == null ? Usage.NONE : usage;
  }

  public static ActionResult of(JsonNode output) {
    return new ActionResult(output, Usage.NONE);
  }

  public static ActionResult of(JsonNode output, Usage usage) {
    return new ActionResult(output, usage);
  }
}
