package dev.lattice.protocol.redact;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which field names hold sensitive values: a name is sensitive when it matches one of the
 * configured patterns and none of the exceptions, each a regular expression matched against the
 * whole name, case-insensitively. Safe for concurrent use.
 *
 * <p>The same names recur in every payload ({@code text}, {@code output}, {@code id}), so the
 * verdict on each name is remembered, up to a bound: matching a name costs a regular expression,
 * remembering it a hash lookup.
 */
final class SensitiveFields {
  private final Pattern sensitive;
  private final Pattern except;
  private final int remembered;
  private final ConcurrentHashMap<String, Boolean> verdicts = new ConcurrentHashMap<>();

  /**
   * @param patterns names that are sensitive; none: nothing is
   * @param exceptions names that are not, although a pattern matches them
   * @param remembered how many distinct names' verdicts are kept
   * @throws IllegalArgumentException naming a pattern that is not a regular expression
   */
  SensitiveFields(List<String> patterns, List<String> exceptions, int remembered) {
    this.sensitive = union(patterns, "fields");
    this.except = union(exceptions, "except-fields");
    this.remembered = remembered;
  }

  /** Whether no name is sensitive. */
  boolean none() {
    return sensitive == null;
  }

  /** Whether a field called {@code name} holds a sensitive value. */
  boolean test(String name) {
    if (sensitive == null || name == null) {
      return false;
    }
    Boolean known = verdicts.get(name);
    if (known != null) {
      return known;
    }
    boolean verdict =
        sensitive.matcher(name).matches() && (except == null || !except.matcher(name).matches());
    if (verdicts.size() < remembered) {
      verdicts.put(name, verdict);
    }
    return verdict;
  }

  private static Pattern union(List<String> patterns, String key) {
    if (patterns.isEmpty()) {
      return null;
    }
    StringBuilder alternatives = new StringBuilder();
    for (String pattern : patterns) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "lattice.redaction."
                + key
                + " holds '"
                + pattern
                + "', which is not a regular"
                + " expression: "
                + e.getDescription(),
            e);
      }
      alternatives
          .append(alternatives.isEmpty() ? "" : "|")
          .append("(?:")
          .append(pattern)
          .append(')');
    }
    return Pattern.compile(alternatives.toString(), Pattern.CASE_INSENSITIVE);
  }
}
