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
  /** The longest name looked at: longer runs of name characters are not field names. */
  private static final int MAX_NAME = 64;

  /** The schemes of the Authorization header, which come before the credential itself. */
  private static final Pattern SCHEME = Pattern.compile(SecretReference.SCHEME);

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
    StringBuilder out = null;
    int copied = 0;
    int from = 0;
    int separator;
    // From each = or : back to the name before it: linear, and most text has few separators.
    while ((separator = nextSeparator(text, from)) >= 0) {
      from = separator + 1;
      String name = nameBefore(text, separator);
      if (name == null || !fields.test(name)) {
        continue;
      }
      int[] value = value(text, skipSpaces(text, separator + 1));
      if (value == null) {
        continue;
      }
      from = Math.max(from, value[1]);
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

  private static int nextSeparator(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=' || c == ':') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The name that ends just before {@code separator}, after spaces and in quotes (JSON's, or JSON's
   * escaped within JSON) or not; null when there is none.
   */
  private static String nameBefore(String text, int separator) {
    int i = separator - 1;
    while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
      i--;
    }
    String quote = "";
    if (i >= 0 && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
      quote = String.valueOf(text.charAt(i));
      i--;
      if (i >= 0 && text.charAt(i) == '\\') {
        quote = "\\" + quote;
        i--;
      }
    }
    int end = i + 1;
    while (i >= 0 && end - i <= MAX_NAME + 1 && isNameChar(text.charAt(i))) {
      i--;
    }
    int start = i + 1;
    if (start == end || (i >= 0 && isNameChar(text.charAt(i))) || !startsName(text.charAt(start))) {
      return null;
    }
    if (!quote.isEmpty() && !text.startsWith(quote, start - quote.length())) {
      return null;
    }
    // The name in a reference's own syntax, ${secret:NAME}, is no field.
    if (text.startsWith("${", start - 2)) {
      return null;
    }
    return text.substring(start, end);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
  }

  private static boolean startsName(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static int skipSpaces(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
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
    StringBuilder out = null;
    int copied = 0;
    int at = text.indexOf("://");
    while (at >= 0) {
      int[] password = password(text, at + 3);
      if (password != null) {
        String found = text.substring(password[0], password[1]);
        if (!found.equals(replacement) && !SecretReference.isReferenceOnly(found)) {
          if (out == null) {
            out = new StringBuilder(text.length());
          }
          out.append(text, copied, password[0]).append(replacement);
          copied = password[1];
        }
      }
      at = text.indexOf("://", at + 3);
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  /**
   * Where the password of the user information that starts at {@code from} (just after {@code ://})
   * is, {@code user:PASSWORD@}; null when there is none.
   */
  private static int[] password(String text, int from) {
    int colon = from;
    while (colon < text.length() && !endsUser(text.charAt(colon))) {
      colon++;
    }
    if (colon == from || colon >= text.length() || text.charAt(colon) != ':') {
      return null;
    }
    int at = colon + 1;
    while (at < text.length() && !endsPassword(text.charAt(at))) {
      at++;
    }
    if (at == colon + 1 || at >= text.length() || text.charAt(at) != '@') {
      return null;
    }
    return new int[] {colon + 1, at};
  }

  private static boolean endsUser(char c) {
    return c == '/' || c == ':' || c == '@' || Character.isWhitespace(c);
  }

  private static boolean endsPassword(char c) {
    return c == '@' || c == '/' || Character.isWhitespace(c);
  }
}
