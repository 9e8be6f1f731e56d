package dev.lattice.protocol.redact;

import java.util.regex.Pattern;

/**
 * The form of a secret reference, {@code ${secret:NAME}}: what a plan, a step's input or a node's
 * configuration holds instead of a secret's value, resolved by a worker at the moment of use. A
 * reference names a secret without revealing it, so redaction leaves references alone.
 */
public final class SecretReference {
  /** How a reference starts. */
  public static final String PREFIX = "${secret:";

  /** A reference, well formed or not: anything up to the closing brace is its name. */
  public static final Pattern PATTERN = Pattern.compile("\\$\\{secret:([^}]*)}");

  /**
   * The authentication schemes that come before a credential, as in {@code Authorization: Bearer
   * ...}: a regular expression, case-insensitive, with the spaces after the scheme.
   */
  static final String SCHEME = "(?i:Bearer|Basic|Digest|Token|Bot|Negotiate|ApiKey)\\s+";

  /**
   * One or more references, optionally after an authentication scheme ({@code Bearer ${secret:x}}),
   * and nothing else but spaces: the whole of a value that reveals nothing.
   */
  private static final Pattern ONLY_REFERENCES =
      Pattern.compile("\\s*(?:" + SCHEME + ")?(?:\\$\\{secret:[^}]*}\\s*)+");

  private SecretReference() {}

  /** Whether {@code text} holds a reference anywhere. */
  public static boolean mentions(String text) {
    return text != null && text.contains(PREFIX) && PATTERN.matcher(text).find();
  }

  /**
   * Whether {@code text} is made of references only (after an optional scheme such as {@code
   * Bearer}): a value that names secrets and holds none.
   */
  public static boolean isReferenceOnly(String text) {
    return text != null && text.contains(PREFIX) && ONLY_REFERENCES.matcher(text).matches();
  }

  /** The reference to the secret {@code name}. */
  public static String to(String name) {
    return PREFIX + name + "}";
  }
}
