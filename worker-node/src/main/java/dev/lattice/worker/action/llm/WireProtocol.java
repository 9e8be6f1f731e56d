package dev.lattice.worker.action.llm;

import java.util.Locale;

/** The HTTP protocols a model provider may speak. */
public enum WireProtocol {
  /** OpenAI Chat Completions ({@code POST chat/completions}), also spoken by Ollama and vLLM. */
  OPENAI,
  /** Anthropic Messages ({@code POST messages}). */
  ANTHROPIC;

  /** The protocol named {@code name} in config ({@code openai}, {@code anthropic}). */
  static WireProtocol named(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown model protocol '" + name + "'; known: openai, anthropic", e);
    }
  }
}
