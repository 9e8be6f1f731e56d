package dev.lattice.modelserver;

import com.typesafe.config.Config;
import dev.lattice.modelserver.script.Chunking;
import java.time.Duration;
import java.util.Locale;

/**
 * What an answer is when its script entry does not say.
 *
 * @param charsPerToken characters per token when usage is estimated
 * @param chunking how streamed text is cut
 * @param chunkChars characters per token with {@link Chunking#CHARS}
 * @param tokenDelay the delay between streamed tokens
 * @param model the model an answer names when the request names none
 */
public record AnswerDefaults(
    int charsPerToken, Chunking chunking, int chunkChars, Duration tokenDelay, String model) {

  static AnswerDefaults create(Config c) {
    return new AnswerDefaults(
        c.getInt("chars-per-token"),
        Chunking.valueOf(c.getString("chunking").toUpperCase(Locale.ROOT)),
        c.getInt("chunk-chars"),
        c.getDuration("token-delay"),
        c.getString("default-model"));
  }
}
