package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStreamElement;
import java.nio.charset.StandardCharsets;

/**
 * Large step outputs in event streams, by reference: an event whose {@code output} takes more than
 * {@code lattice.http.events.inline-output-max} bytes of JSON carries {@code {"$ref":
 * "/api/v1/runs/ID/steps/STEP", "bytes": N}} instead, and a follower that wants it fetches the
 * step. A tool that returns a whole document is then streamed to ten followers once per follower
 * who asks, not ten times whole.
 */
final class LargeOutputs {
  private static final String OUTPUT = "output";

  private LargeOutputs() {}

  /** {@code element}, with its output by reference when that is larger than {@code maxBytes}. */
  static RunStreamElement referenced(RunStreamElement element, long maxBytes) {
    if (!(element instanceof RunEvent event)
        || event.stepId() == null
        || !(event.data() instanceof ObjectNode data)
        || !data.has(OUTPUT)) {
      return element;
    }
    long bytes = size(data.get(OUTPUT));
    if (bytes <= maxBytes) {
      return element;
    }
    ObjectNode shortened = data.deepCopy();
    shortened
        .putObject(OUTPUT)
        .put("$ref", "/api/v1/runs/" + event.runId() + "/steps/" + event.stepId())
        .put("bytes", bytes);
    return new RunEvent(
        event.runId(),
        event.seq(),
        event.timestamp(),
        event.type(),
        event.stepId(),
        event.attempt(),
        shortened);
  }

  private static long size(JsonNode value) {
    try {
      return LatticeJson.mapper().writeValueAsString(value).getBytes(StandardCharsets.UTF_8).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event's output is not JSON", e);
    }
  }
}
