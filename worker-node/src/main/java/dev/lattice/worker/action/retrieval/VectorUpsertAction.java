package dev.lattice.worker.action.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in {@code vectors.upsert} action: stores chunks with their vectors in a collection of
 * the run's tenant ({@link VectorTable}), on the dispatcher {@code lattice.vectors.dispatcher}.
 *
 * <p>Input, one chunk: {@code {"collection", "id", "text", "vector": [...], "metadata": {...},
 * "document"}}; or a document's chunks: {@code {"collection", "document", "texts": [...],
 * "vectors": [[...], ...], "metadata": {...}}}, the i-th vector for the i-th text, stored under the
 * ids {@code DOCUMENT#i}, and the document's chunks stored before under other ids deleted. Either
 * way a chunk stored again under its id replaces the one before, so a step that runs again (a
 * retry, the same run once more) stores nothing twice. Output {@code {"collection", "stored",
 * "removed"}}.
 */
public final class VectorUpsertAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "vectors.upsert";

  private static final Set<String> FIELDS =
      Set.of("collection", "id", "text", "vector", "metadata", "document", "texts", "vectors");
  private static final int MAX_ID = 255;
  private static final int MAX_DOCUMENT = 200;

  private final RetrievalSettings.Vectors settings;
  private final VectorTable table;

  public VectorUpsertAction(RetrievalSettings.Vectors settings, VectorTable table) {
    this.settings = settings;
    this.table = table;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    StepInput input;
    String collection;
    List<VectorTable.Row> rows;
    try {
      input = StepInput.of(request.input(), NAME, FIELDS);
      collection = input.collection();
      rows = input.has("texts") ? documentRows(input) : List.of(oneRow(input));
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
    String replaced = input.has("texts") ? input.text("document") : null;
    return CompletableFuture.supplyAsync(
        () -> {
          int removed = store(request.tenant(), collection, replaced, rows);
          ObjectNode output = context.json().createObjectNode();
          output.put("collection", collection);
          output.put("stored", rows.size());
          output.put("removed", removed);
          return ActionResult.of(output);
        },
        context.executor(settings.dispatcher()));
  }

  private int store(String tenant, String collection, String document, List<VectorTable.Row> rows) {
    try {
      return table.upsert(tenant, collection, document, rows);
    } catch (SQLException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR, "storing vectors failed: " + e.getMessage(), null, e);
    }
  }

  private static VectorTable.Row oneRow(StepInput input) {
    if (input.has("vectors")) {
      throw StepInput.invalid("input.vectors goes with input.texts; one chunk has input.vector");
    }
    float[] vector = input.vector("vector");
    if (vector == null) {
      throw StepInput.invalid("the vectors.upsert action needs input.vector, or input.texts");
    }
    return new VectorTable.Row(
        input.requiredText("id", MAX_ID),
        document(input),
        input.requiredText("text", Integer.MAX_VALUE),
        metadata(input),
        vector);
  }

  private List<VectorTable.Row> documentRows(StepInput input) {
    for (String single : List.of("id", "text", "vector")) {
      if (input.has(single)) {
        throw StepInput.invalid(
            "input." + single + " is for one chunk; a document's chunks are input.texts");
      }
    }
    String document = input.requiredText("document", MAX_DOCUMENT);
    List<String> texts = input.texts("texts");
    List<float[]> vectors = input.vectors("vectors");
    if (vectors == null || vectors.size() != texts.size()) {
      throw StepInput.invalid(
          "input.vectors must hold one vector for each of the "
              + texts.size()
              + " input.texts, in their order");
    }
    if (texts.size() > settings.maxItems()) {
      throw StepInput.invalid(
          "input.texts holds "
              + texts.size()
              + " chunks, more than lattice.vectors.max-items ("
              + settings.maxItems()
              + ")");
    }
    String metadata = metadata(input);
    List<VectorTable.Row> rows = new ArrayList<>(texts.size());
    Set<Integer> dimensions = new HashSet<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(
          new VectorTable.Row(
              document + "#" + i, document, texts.get(i), metadata, vectors.get(i)));
      dimensions.add(vectors.get(i).length);
    }
    if (dimensions.size() > 1) {
      throw StepInput.invalid("input.vectors have different dimensions " + dimensions);
    }
    return rows;
  }

  private static String document(StepInput input) {
    String document = input.text("document");
    if (document != null && (document.isBlank() || document.length() > MAX_DOCUMENT)) {
      throw StepInput.invalid("input.document must be 1 to " + MAX_DOCUMENT + " characters");
    }
    return document;
  }

  private static String metadata(StepInput input) {
    JsonNode metadata = input.object("metadata");
    return metadata == null ? null : metadata.toString();
  }
}
