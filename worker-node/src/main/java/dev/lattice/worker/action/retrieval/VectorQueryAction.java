package dev.lattice.worker.action.retrieval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in {@code vectors.query} action: the chunks of a collection of the run's tenant most
 * like a text or a vector, by cosine similarity ({@link VectorTable}, {@link Nearest}).
 *
 * <p>Input {@code {"collection", "text": "...", "topK": 5}} or {@code {"collection", "vector":
 * [...], "topK": 5}}; a text is embedded first with the in-process model, on {@code
 * lattice.embeddings.dispatcher}, and the store is read on {@code lattice.vectors.dispatcher}.
 * Output {@code {"collection", "matches": [{"id", "document", "text", "score", "metadata"}, ...]}},
 * best first; an empty or unknown collection has no matches. A collection whose vectors all have
 * another dimension than the query's (made by another model) fails with {@code invalid_input}.
 */
public final class VectorQueryAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "vectors.query";

  private static final Set<String> FIELDS = Set.of("collection", "text", "vector", "topK");

  private final RetrievalSettings settings;
  private final InProcessEmbedder embedder;
  private final VectorTable table;

  public VectorQueryAction(
      RetrievalSettings settings, InProcessEmbedder embedder, VectorTable table) {
    this.settings = settings;
    this.embedder = embedder;
    this.table = table;
  }

  /** A query's vector, and what making it from a text used. */
  private record Query(float[] vector, Usage usage) {}

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    StepInput input;
    String collection;
    int topK;
    try {
      input = StepInput.of(request.input(), NAME, FIELDS);
      collection = input.collection();
      topK = input.whole("topK", settings.vectors().defaultTopK(), 1, settings.vectors().maxTopK());
      if (input.has("text") == input.has("vector")) {
        throw StepInput.invalid("the vectors.query action needs input.text or input.vector (one)");
      }
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Query> query =
        input.has("vector")
            ? CompletableFuture.completedFuture(new Query(input.vector("vector"), Usage.NONE))
            : CompletableFuture.supplyAsync(
                () -> embed(input.requiredText("text", Integer.MAX_VALUE)),
                context.executor(settings.embeddings().dispatcher()));
    return query.thenApplyAsync(
        q -> result(search(request.tenant(), collection, q.vector(), topK), collection, q, context),
        context.executor(settings.vectors().dispatcher()));
  }

  private Query embed(String text) {
    InProcessEmbedder.Embedded embedded = embedder.embed(List.of(text));
    return new Query(
        embedded.vectors().get(0),
        new Usage(embedded.model(), embedded.tokens(), 0, BigDecimal.ZERO));
  }

  private VectorTable.Found search(String tenant, String collection, float[] vector, int topK) {
    VectorTable.Found found;
    try {
      found = table.nearest(tenant, collection, vector, topK);
    } catch (SQLException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR, "reading vectors failed: " + e.getMessage(), null, e);
    }
    if (found.matches().isEmpty() && found.otherDimension() > 0) {
      throw StepInput.invalid(
          "collection '"
              + collection
              + "' holds "
              + found.otherDimension()
              + " vectors of another dimension than the query's "
              + vector.length
              + ": they were made by another model");
    }
    return found;
  }

  private static ActionResult result(
      VectorTable.Found found, String collection, Query query, ActionContext context) {
    ObjectNode output = context.json().createObjectNode();
    output.put("collection", collection);
    ArrayNode matches = output.putArray("matches");
    for (VectorTable.Match match : found.matches()) {
      ObjectNode m = matches.addObject();
      m.put("id", match.id());
      m.put("document", match.document());
      m.put("text", match.text());
      m.put("score", match.score());
      if (match.metadata() != null) {
        try {
          m.set("metadata", context.json().readTree(match.metadata()));
        } catch (JsonProcessingException e) {
          throw new ActionException(
              ErrorClass.AGENT_ERROR, "stored metadata of '" + match.id() + "' is not JSON");
        }
      }
    }
    return ActionResult.of(output, query.usage());
  }
}
