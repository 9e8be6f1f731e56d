package dev.lattice.protocol.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.regex.Pattern;

/** Stable, configured identity of a worker agent; also its persistence id. */
public record AgentId(@JsonValue String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public AgentId {
    Objects.requireNonNull(value, "agentId");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "agent id must be 1-128 characters of letters, digits, '.', '_' or '-'");
    }
  }

  public static AgentId of(String value) {
    return new AgentId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
