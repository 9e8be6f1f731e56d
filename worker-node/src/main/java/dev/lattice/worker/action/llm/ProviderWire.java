package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.worker.action.ActionException;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/** One provider protocol: how a call is written, and how answers and errors are read. */
interface ProviderWire {

  /** The wire of {@code protocol}. */
  static ProviderWire of(WireProtocol protocol) {
    return switch (protocol) {
      case OPENAI -> OpenAiWire.INSTANCE;
      case ANTHROPIC -> AnthropicWire.INSTANCE;
    };
  }

  /** The HTTP request of {@code call}, carrying {@code key} when there is one. */
  HttpRequest request(LlmCall call, Optional<String> key);

  /**
   * The answer of a non-streamed call.
   *
   * @throws ActionException ({@code agent_error}) when it is not an answer
   */
  LlmAnswer answer(JsonNode body);

  /** A fresh assembly for one streamed answer. */
  StreamAssembly stream();

  /** What an error answer's body says; as much as can be read of it, never failing. */
  ProviderError error(JsonNode body);
}
