package dev.lattice.protocol.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a session: a conversation with an agent that llm steps naming it continue across
 * runs. Chosen by the plan (often from the payload, {@code "${payload.user}"}), unique within a
 * tenant. Serialised as a plain string.
 */
public record SessionName(@JsonValue String value) {
  // No '/': a session's entity id is its tenant, '/', and its name.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}");

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public SessionName {
    Objects.requireNonNull(value, "session");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "a session name is 1-128 characters of letters, digits, '.', '_', ':', '@', '+' or '-',"
              + " starting with a letter or digit; got '"
              + (value.length() > 140 ? value.substring(0, 140) + "..." : value)
              + "'");
    }
  }

  public static SessionName of(String value) {
    return new SessionName(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
