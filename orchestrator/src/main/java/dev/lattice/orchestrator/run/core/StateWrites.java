package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.StateEntry;
import dev.lattice.protocol.run.StateScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The writes into a run's shared state a step's result carries: its output's {@code $state}, either
 * an object of keys to values (shared), or a list of {@code {key, value, scope, ttlMs}} (scope
 * {@code shared}, {@code private} or {@code temporary}; a temporary key needs a positive {@code
 * ttlMs}). An entry that does not fit is left out. Pure.
 */
final class StateWrites {
  /** The output field that carries a result's writes. */
  static final String FIELD = "$state";

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private StateWrites() {}

  /** The writes {@code change} carries, if it completes a step with an output holding some. */
  static List<RunChange> of(RunChange change) {
    String stepId;
    JsonNode output;
    if (change instanceof RunChange.StepSucceeded e) {
      stepId = e.stepId();
      output = e.output();
    } else if (change instanceof RunChange.StepSignalled e) {
      stepId = e.stepId();
      output = e.output();
    } else if (change instanceof RunChange.StepOverridden e) {
      stepId = e.stepId();
      output = e.output();
    } else {
      return List.of();
    }
    JsonNode writes = output == null ? null : output.get(FIELD);
    if (writes == null) {
      return List.of();
    }
    List<RunChange> found = new ArrayList<>();
    if (writes.isObject()) {
      for (Map.Entry<String, JsonNode> write : writes.properties()) {
        if (KEY.matcher(write.getKey()).matches()) {
          found.add(
              written(stepId, write.getKey(), write.getValue(), StateScope.SHARED, null, change));
        }
      }
    } else if (writes.isArray()) {
      for (JsonNode write : writes) {
        entry(stepId, write, change, found);
      }
    }
    return found;
  }

  private static void entry(String stepId, JsonNode write, RunChange change, List<RunChange> into) {
    String key = write.path("key").asText("");
    if (!KEY.matcher(key).matches()) {
      return;
    }
    StateScope scope;
    try {
      scope = StateScope.fromWire(write.path("scope").asText(StateScope.SHARED.wire()));
    } catch (IllegalArgumentException unknown) {
      return;
    }
    Instant expiresAt = null;
    if (scope == StateScope.TEMPORARY) {
      long ttl = write.path("ttlMs").asLong(0);
      if (ttl <= 0) {
        return;
      }
      expiresAt = change.at().plusMillis(ttl);
    }
    into.add(written(stepId, key, write.get("value"), scope, expiresAt, change));
  }

  private static RunChange written(
      String stepId,
      String key,
      JsonNode value,
      StateScope scope,
      Instant expiresAt,
      RunChange change) {
    return new RunChange.StateWritten(
        stepId, new StateEntry(key, value, scope, stepId, expiresAt), change.at());
  }
}
