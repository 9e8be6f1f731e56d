package dev.lattice.protocol.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.regex.Pattern;

/** The tenant a run belongs to from the moment it is submitted; part of every bus key. */
public record TenantId(@JsonValue String value) {
  // Declared before DEFAULT, whose construction uses it.
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** The tenant of requests that name none. */
  public static final TenantId DEFAULT = new TenantId("default");

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public TenantId {
    Objects.requireNonNull(value, "tenant");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "tenant must be 1-63 characters of lower-case letters, digits, '_' or '-'");
    }
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
