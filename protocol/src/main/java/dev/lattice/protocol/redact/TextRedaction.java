package dev.lattice.protocol.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redaction of free text: an error message, a reason, a log line. Text has no fields, but it often
 * quotes some: {@code password=hunter2}, {@code "apiKey": "sk-..."}, {@code Authorization: Bearer
 * abc}, {@code ?token=abc&page=2}, a JSON document quoted in a message. Wherever a sensitive name
 * is followed by {@code =} or {@code :}, the value after it (quoted, or up to a space or a
 * delimiter, after a scheme word such as {@code Bearer}) is replaced. So is the password of a URL
 * ({@code https://user:PASSWORD@host}). References ({@code ${secret:NAME}}) are left as they are.
 */
final class TextRedaction {
  /** A name followed by = or :, in quotes (JSON's, or JSON's escaped within JSON) or not. */
  private static final Pattern NAME_THEN_VALUE =
      Pattern.compile("(?<![\\w.-])(\\\\?[\"']?)([A-Za-z_][\\w.-]{0,63})\\1\\s*[:=]\\s*");

  /** The schemes of the Authorization header, which come before the credential itself. */
  private static final Pattern SCHEME = Pattern.compile(SecretReference.SCHEME);

  /** The password of a URL's user information. */
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]+:)([^@\\s/]+)(@)");

  /** What ends an unquoted value. */
  private static final String DELIMITERS = ",;&\"'<>()[]{}\\";

  private final SensitiveFields fields;
  private final String replacement;

  TextRedaction(SensitiveFields fields, String replacement) {
    this.fields = fields;
    this.replacement = replacement;
  }

  /** {@code text} with its sensitive values replaced; the same instance when it has none. */
  String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String redacted = fields.none() ? text : namedValues(text);
    return urlPasswords(redacted);
  }

  private String namedValues(String text) {
    Matcher m = NAME_THEN_VALUE.matcher(text);
    StringBuilder out = null;
    int copied = 0;
    int from = 0;
    while (from < text.length() && m.find(from)) {
      int start = m.end();
      from = start;
      // The name in a reference's own syntax, ${secret:NAME}, is no field.
      boolean reference = text.startsWith(SecretReference.PREFIX, m.start(2) - 2);
      if (reference || !fields.test(m.group(2))) {
        continue;
      }
      int[] value = value(text, start);
      if (value == null) {
        continue;
      }
      from = value[1];
      String found = text.substring(value[0], value[1]);
      if (found.equals(replacement) || SecretReference.isReferenceOnly(found)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, value[0]).append(replacement);
      copied = value[1];
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * Where the value that starts at {@code start} is: the start and end of what to replace (inside
   * its quotes, after its scheme), or null when there is none.
   */
  private static int[] value(String text, int start) {
    if (start >= text.length()) {
      return null;
    }
    int quote = quoteLength(text, start);
    if (quote > 0) {
      String closing = text.substring(start, start + quote);
      int end = closingQuote(text, start + quote, closing);
      return end < 0 ? null : new int[] {start + quote, end};
    }
    int from = start;
    Matcher scheme = SCHEME.matcher(text).region(start, text.length());
    if (scheme.lookingAt() && scheme.end() < text.length()) {
      from = scheme.end();
    }
    int end = from;
    while (end < text.length()) {
      char c = text.charAt(end);
      if (Character.isWhitespace(c) || (DELIMITERS.indexOf(c) >= 0 && !inReference(text, end))) {
        break;
      }
      end++;
    }
    return end == from ? null : new int[] {from, end};
  }

  /** A quote that opens a value: {@code "}, {@code '}, or one escaped by a backslash. */
  private static int quoteLength(String text, int at) {
    char c = text.charAt(at);
    if (c == '"' || c == '\'') {
      return 1;
    }
    if (c == '\\' && at + 1 < text.length()) {
      char next = text.charAt(at + 1);
      return next == '"' || next == '\'' ? 2 : 0;
    }
    return 0;
  }

  /** Where {@code closing} ends the quoted value that starts at {@code from}, or -1. */
  private static int closingQuote(String text, int from, String closing) {
    int at = from;
    while (at < text.length()) {
      if (closing.length() == 1 && text.charAt(at) == '\\') {
        // An escaped character inside the value, a quote included.
        at += 2;
        continue;
      }
      if (text.startsWith(closing, at)) {
        return at;
      }
      at++;
    }
    return -1;
  }

  /** Whether {@code at} is inside a {@code ${secret:...}} reference, whose braces are its own. */
  private static boolean inReference(String text, int at) {
    int open = text.lastIndexOf(SecretReference.PREFIX, at);
    if (open < 0) {
      return false;
    }
    int close = text.indexOf('}', open);
    return close >= at;
  }

  private String urlPasswords(String text) {
    if (!text.contains("://")) {
      return text;
    }
    Matcher m = URL_PASSWORD.matcher(text);
    StringBuilder out = null;
    int copied = 0;
    while (m.find()) {
      if (m.group(2).equals(replacement) || SecretReference.isReferenceOnly(m.group(2))) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, m.start(2)).append(replacement);
      copied = m.end(2);
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }
}
