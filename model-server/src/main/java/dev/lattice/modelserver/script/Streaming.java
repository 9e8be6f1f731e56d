package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How an answer is paced and cut. Every field is optional; the server's defaults fill the rest.
 *
 * @param firstTokenDelayMs the wait before the first token (before a non-streamed answer, the wait
 *     before the whole answer)
 * @param tokenDelayMs the wait between two streamed tokens
 * @param chunking how the text is cut into tokens
 * @param chunkChars characters per token with {@link Chunking#CHARS}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Streaming(
    Long firstTokenDelayMs, Long tokenDelayMs, Chunking chunking, Integer chunkChars) {

  public static Streaming none() {
    return new Streaming(null, null, null, null);
  }

  public Streaming withFirstTokenDelayMs(long millis) {
    return new Streaming(millis, tokenDelayMs, chunking, chunkChars);
  }

  public Streaming withTokenDelayMs(long millis) {
    return new Streaming(firstTokenDelayMs, millis, chunking, chunkChars);
  }

  public Streaming byWords() {
    return new Streaming(firstTokenDelayMs, tokenDelayMs, Chunking.WORDS, chunkChars);
  }

  public Streaming byChars(int chars) {
    return new Streaming(firstTokenDelayMs, tokenDelayMs, Chunking.CHARS, chars);
  }
}
