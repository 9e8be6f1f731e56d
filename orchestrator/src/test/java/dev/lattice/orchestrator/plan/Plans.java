package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import java.io.UncheckedIOException;

/** Test helpers for plans written in the wire format. */
public final class Plans {
  private Plans() {}

  /** Parses a plan from JSON with single quotes for readability. */
  public static PlanSpec plan(String json) {
    try {
      return LatticeJson.mapper().readValue(json.replace('\'', '"'), PlanSpec.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON with single quotes for readability. */
  public static JsonNode json(String json) {
    try {
      return LatticeJson.mapper().readTree(json.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
