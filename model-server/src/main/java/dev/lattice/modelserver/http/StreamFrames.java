package dev.lattice.modelserver.http;

import java.util.List;

/**
 * A streamed answer's events in a provider's shape, in three parts so that faults and pacing can
 * act on the tokens alone.
 *
 * @param opening what comes before the first token
 * @param tokens one event per token
 * @param closing what comes after the last token
 */
public record StreamFrames(List<SseFrame> opening, List<SseFrame> tokens, List<SseFrame> closing) {

  public StreamFrames {
    opening = List.copyOf(opening);
    tokens = List.copyOf(tokens);
    closing = List.copyOf(closing);
  }
}
