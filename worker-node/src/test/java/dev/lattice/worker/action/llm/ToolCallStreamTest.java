package dev.lattice.worker.action.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streamed tool calls from OpenAI-compatible servers that leave parts out: pieces without an index,
 * calls without an id.
 */
class ToolCallStreamTest {

  private static LlmAnswer assemble(List<String> chunks) {
    OpenAiStream stream = new OpenAiStream();
    for (String chunk : chunks) {
      stream.accept(null, chunk.replace('\'', '"'));
    }
    stream.accept(null, "[DONE]");
    return stream.finish();
  }

  @Test
  void wholeCallsWithoutIndexesAreTakenApartByTheirIds() {
    LlmAnswer answer =
        assemble(
            List.of(
                "{'model': 'm', 'choices': [{'index': 0, 'delta': {'tool_calls': [{'id': 'a',"
                    + " 'function': {'name': 'f', 'arguments': '{\\'x\\': 1}'}}]}}]}",
                "{'model': 'm', 'choices': [{'index': 0, 'delta': {'tool_calls': [{'id': 'b',"
                    + " 'function': {'name': 'g', 'arguments': '{}'}}]}, 'finish_reason':"
                    + " 'stop'}]}"));

    assertThat(answer.toolCalls()).extracting(ToolCall::id).containsExactly("a", "b");
    assertThat(answer.toolCalls()).extracting(ToolCall::name).containsExactly("f", "g");
    assertThat(answer.toolCalls().get(0).arguments().path("x").asInt()).isEqualTo(1);
    // "stop" with calls is a turn that calls tools.
    assertThat(answer.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void callsWithoutIdsAreNumberedByTheirPlace() {
    LlmAnswer answer =
        assemble(
            List.of(
                "{'model': 'm', 'choices': [{'index': 0, 'delta': {'tool_calls': [{'index': 0,"
                    + " 'function': {'name': 'f', 'arguments': ''}}, {'index': 1,"
                    + " 'function': {'name': 'g', 'arguments': '[1'}}]}}]}"));

    assertThat(answer.toolCalls()).extracting(ToolCall::id).containsExactly("call_1", "call_2");
    assertThat(answer.toolCalls().get(0).arguments().isObject()).isTrue();
    assertThat(answer.toolCalls().get(1).arguments()).isNull();
    assertThat(answer.toolCalls().get(1).rawArguments()).isEqualTo("[1");
  }
}
