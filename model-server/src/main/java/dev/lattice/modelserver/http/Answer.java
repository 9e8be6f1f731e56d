package dev.lattice.modelserver.http;

import dev.lattice.modelserver.AnswerDefaults;
import dev.lattice.modelserver.script.Chunking;
import dev.lattice.modelserver.script.FinishReason;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.modelserver.script.ToolCall;
import dev.lattice.modelserver.script.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A script entry's answer to one request, every default filled in.
 *
 * @param model the model the answer names
 * @param text the answer's text
 * @param tokens the text cut into streamed tokens; joined they give {@code text}
 * @param finishReason why it ended
 * @param promptTokens usage: the prompt's tokens
 * @param completionTokens usage: the answer's tokens
 * @param cachedTokens usage: prompt tokens read from a cache
 * @param reasoningTokens usage: completion tokens spent reasoning
 * @param firstTokenDelay the wait before anything of the answer is sent
 * @param tokenDelay the wait between streamed tokens
 * @param toolCalls the tools the answer calls, each with its id; empty for none
 */
public record Answer(
    String model,
    String text,
    List<String> tokens,
    FinishReason finishReason,
    int promptTokens,
    int completionTokens,
    int cachedTokens,
    int reasoningTokens,
    Duration firstTokenDelay,
    Duration tokenDelay,
    List<ToolCall> toolCalls) {

  public Answer {
    tokens = List.copyOf(tokens);
    toolCalls = List.copyOf(toolCalls);
  }

  /**
   * The answer {@code entry} gives to {@code call}. A fault entry answers with empty text; tool
   * calls without an id get one from {@code callIds}.
   */
  public static Answer of(
      ScriptEntry entry, ModelCall call, AnswerDefaults defaults, Supplier<String> callIds) {
    String text = entry.text() != null ? entry.text() : entry.json() != null ? json(entry) : "";
    List<ToolCall> calls = new ArrayList<>();
    for (ToolCall each : Optional.ofNullable(entry.toolCalls()).orElse(List.of())) {
      calls.add(each.id() != null ? each : each.withId(callIds.get()));
    }
    FinishReason defaultReason = calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
    Streaming shape = Optional.ofNullable(entry.stream()).orElse(Streaming.none());
    Chunking chunking = Optional.ofNullable(shape.chunking()).orElse(defaults.chunking());
    int chunkChars = Optional.ofNullable(shape.chunkChars()).orElse(defaults.chunkChars());
    Usage usage = Optional.ofNullable(entry.usage()).orElse(new Usage(null, null, null, null));
    return new Answer(
        call.model(),
        text,
        chunking.split(text, chunkChars),
        Optional.ofNullable(entry.finishReason()).orElse(defaultReason),
        Optional.ofNullable(usage.promptTokens())
            .orElseGet(() -> estimate(call.prompt(), defaults)),
        Optional.ofNullable(usage.completionTokens())
            .orElseGet(() -> estimate(text + argumentsText(calls), defaults)),
        Optional.ofNullable(usage.cachedTokens()).orElse(0),
        Optional.ofNullable(usage.reasoningTokens()).orElse(0),
        Optional.ofNullable(shape.firstTokenDelayMs())
            .map(Duration::ofMillis)
            .orElse(Duration.ZERO),
        Optional.ofNullable(shape.tokenDelayMs())
            .map(Duration::ofMillis)
            .orElse(defaults.tokenDelay()),
        calls);
  }

  /** The text of the calls' names and arguments, which the model generated as well. */
  private static String argumentsText(List<ToolCall> calls) {
    StringBuilder text = new StringBuilder();
    calls.forEach(c -> text.append(c.name()).append(c.argumentsText()));
    return text.toString();
  }

  public int totalTokens() {
    return promptTokens + completionTokens;
  }

  /** Roughly what a tokenizer makes of English: characters divided by a ratio, rounded up. */
  private static int estimate(String text, AnswerDefaults defaults) {
    return (text.length() + defaults.charsPerToken() - 1) / defaults.charsPerToken();
  }

  private static String json(ScriptEntry entry) {
    return entry.json().toString();
  }
}
