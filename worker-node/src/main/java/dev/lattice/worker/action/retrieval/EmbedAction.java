package dev.lattice.worker.action.retrieval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in {@code embed} action: texts to vectors with the in-process model ({@link
 * InProcessEmbedder}), on the dispatcher {@code lattice.embeddings.dispatcher}.
 *
 * <p>Input {@code {"texts": ["...", ...]}} (at most {@code lattice.embeddings.max-texts}) or {@code
 * {"text": "..."}}. Output {@code {"model", "dimension", "vectors": [[...], ...]}} in the texts'
 * order, or {@code "vector": [...]} for one {@code text}. The result's usage counts the tokens the
 * model read, at no cost.
 */
public final class EmbedAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "embed";

  private static final Set<String> FIELDS = Set.of("text", "texts");

  private final RetrievalSettings.Embeddings settings;
  private final InProcessEmbedder embedder;

  public EmbedAction(RetrievalSettings.Embeddings settings, InProcessEmbedder embedder) {
    this.settings = settings;
    this.embedder = embedder;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    // The input is checked before any work is queued behind other steps' inference.
    StepInput input;
    List<String> texts;
    try {
      input = StepInput.of(request.input(), NAME, FIELDS);
      if (input.has("text") && input.has("texts")) {
        throw StepInput.invalid("the embed action takes input.text or input.texts, not both");
      }
      texts =
          input.has("text") ? List.of(input.requiredText("text", Integer.MAX_VALUE)) : texts(input);
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean one = input.has("text");
    return CompletableFuture.supplyAsync(
        () -> result(embedder.embed(texts), one, context), context.executor(settings.dispatcher()));
  }

  private List<String> texts(StepInput input) {
    List<String> texts = input.texts("texts");
    if (texts == null || texts.isEmpty()) {
      throw StepInput.invalid(
          "the embed action needs input.text, a string, or input.texts, a non-empty list of"
              + " strings");
    }
    if (texts.size() > settings.maxTexts()) {
      throw StepInput.invalid(
          "input.texts holds "
              + texts.size()
              + " texts, more than lattice.embeddings.max-texts ("
              + settings.maxTexts()
              + ")");
    }
    return texts;
  }

  private static ActionResult result(
      InProcessEmbedder.Embedded embedded, boolean one, ActionContext context) {
    ObjectNode output = context.json().createObjectNode();
    output.put("model", embedded.model());
    output.put("dimension", embedded.dimension());
    if (one) {
      vector(output.putArray("vector"), embedded.vectors().get(0));
    } else {
      ArrayNode vectors = output.putArray("vectors");
      embedded.vectors().forEach(v -> vector(vectors.addArray(), v));
    }
    return ActionResult.of(
        output, new Usage(embedded.model(), embedded.tokens(), 0, BigDecimal.ZERO));
  }

  static void vector(ArrayNode array, float[] vector) {
    for (float component : vector) {
      array.add(component);
    }
  }
}
