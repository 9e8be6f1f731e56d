package dev.lattice.modelserver;

/** The provider protocols the scripted model server speaks. */
public enum Protocol {
  /** OpenAI's Chat Completions ({@code POST /v1/chat/completions}) and {@code GET /v1/models}. */
  OPENAI,
  /** Anthropic's Messages API ({@code POST /v1/messages}). */
  ANTHROPIC
}
