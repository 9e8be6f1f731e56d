package dev.lattice.worker.action.llm;

import dev.lattice.worker.action.ActionException;

/**
 * Builds a streamed answer from its Server-Sent Events, one call's worth. Used by one stream at a
 * time, in order; the count of events is read by the caller once the stream has ended.
 */
interface StreamAssembly {
  /**
   * Takes the next event.
   *
   * @param type the event's name, null when it had none
   * @param data the event's data
   * @return the piece of answer text it carried, empty if none
   * @throws ActionException when the event is unreadable
   * @throws ProviderError.Reported when the event is an error the provider reports
   */
  String accept(String type, String data);

  /**
   * How many pieces of tool calls it took so far: a stream that only calls tools carries no text,
   * and its pieces are the attempt's sign of life.
   */
  int toolCallPieces();

  /** How many events it took. */
  int events();

  /**
   * The whole answer, once the stream has ended.
   *
   * @throws ActionException ({@code agent_error}) when the stream ended before the provider's end
   *     marker
   */
  LlmAnswer finish();
}
