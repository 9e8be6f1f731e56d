package dev.lattice.worker.action.retrieval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in {@code split} action: cuts a document's text into overlapping chunks for embedding
 * ({@link TextSplitter}).
 *
 * <p>Input {@code {"text": "...", "chunkSize": 1000, "overlap": 100}}, only {@code text} required,
 * the others defaulting to {@code lattice.split}. Output {@code {"chunks": ["...", ...]}}. A text
 * that would make more chunks than {@code lattice.split.max-chunks} fails with {@code
 * invalid_input}.
 */
public final class SplitAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "split";

  /** The smallest chunk size a step may ask for: smaller ones carry too little to match on. */
  static final int MIN_CHUNK_SIZE = 20;

  private static final Set<String> FIELDS = Set.of("text", "chunkSize", "overlap");

  private final RetrievalSettings.Split settings;

  public SplitAction(RetrievalSettings.Split settings) {
    this.settings = settings;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return CompletableFuture.supplyAsync(() -> split(request, context), context.executor());
  }

  private ActionResult split(ActionRequest request, ActionContext context) {
    StepInput input = StepInput.of(request.input(), NAME, FIELDS);
    String text = input.text("text");
    if (text == null) {
      throw StepInput.invalid("the split action needs input.text, a string");
    }
    int chunkSize =
        input.whole("chunkSize", settings.chunkSize(), MIN_CHUNK_SIZE, settings.maxChunkSize());
    int overlap =
        input.whole("overlap", Math.min(settings.overlap(), chunkSize / 2), 0, chunkSize / 2);
    List<String> chunks = TextSplitter.split(text, chunkSize, overlap);
    if (chunks.size() > settings.maxChunks()) {
      throw StepInput.invalid(
          "the text makes "
              + chunks.size()
              + " chunks of "
              + chunkSize
              + " characters, more than lattice.split.max-chunks ("
              + settings.maxChunks()
              + "): split the document, or ask for larger chunks");
    }
    ObjectNode output = context.json().createObjectNode();
    ArrayNode array = output.putArray("chunks");
    chunks.forEach(array::add);
    return ActionResult.of(output);
  }
}
