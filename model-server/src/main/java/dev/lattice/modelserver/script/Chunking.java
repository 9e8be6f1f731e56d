package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a streamed answer is cut into tokens. Joining the tokens always gives the text back. */
public enum Chunking {
  /** Each word with the whitespace that follows it. */
  WORDS,
  /** A fixed number of characters each (the last token may be shorter). */
  CHARS;

  @JsonValue
  public String scriptName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The tokens of {@code text}; {@code chunkChars} counts only for {@link #CHARS}. */
  public List<String> split(String text, int chunkChars) {
    List<String> tokens = new ArrayList<>();
    if (this == WORDS) {
      for (String token : text.split("(?<=\\s)(?=\\S)")) {
        if (!token.isEmpty()) {
          tokens.add(token);
        }
      }
    } else {
      for (int start = 0; start < text.length(); start += chunkChars) {
        tokens.add(text.substring(start, Math.min(text.length(), start + chunkChars)));
      }
    }
    return tokens;
  }
}
