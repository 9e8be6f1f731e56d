package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.RunLogEntry;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.log.RunLogQuery;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/v1/runs/{id}/logs}: a page of the run's own log as JSON, filtered by {@code
 * level} (the least, info by default), {@code source} (an agent's id, {@code dispatcher} or {@code
 * run}) and {@code step}, from the cursor {@code after}; or, for a client that accepts {@code
 * application/x-ndjson}, every entry from {@code after} on, one per line, read a page at a time as
 * the client takes them (an export). Mounted by {@link RunRoutes}: a thin translation of the
 * client's call.
 */
final class RunLogRoutes extends AllDirectives {
  private static final String LEVEL = "level";
  private static final String SOURCE = "source";
  private static final String STEP = "step";
  private static final String AFTER = "after";
  private static final String LIMIT = "limit";
  private static final int MAX_NAME = 255;
  private static final ByteString NEWLINE = ByteString.fromString("\n");

  private final HttpSettings settings;

  RunLogRoutes(HttpSettings settings) {
    this.settings = settings;
  }

  /** {@code /runs/{id}/logs}, below the run's path, calling {@code client}. */
  Route ofRun(LatticeClient client, String id) {
    return path(
        "logs",
        () ->
            get(
                () ->
                    parameterOptional(
                        LEVEL,
                        level ->
                            parameterOptional(
                                SOURCE,
                                source ->
                                    parameterOptional(
                                        STEP,
                                        step ->
                                            parameterOptional(
                                                AFTER,
                                                after ->
                                                    parameterOptional(
                                                        LIMIT,
                                                        limit ->
                                                            extractRequest(
                                                                request ->
                                                                    answer(
                                                                        client,
                                                                        query(
                                                                            id, level, source, step,
                                                                            after, limit, request),
                                                                        wantsNdjson(
                                                                            request))))))))));
  }

  private Route answer(LatticeClient client, RunLogQuery query, boolean ndjson) {
    // The first page decides the status: an unknown run is a 404 before any line is sent.
    return onSuccess(
        client.runLog(query),
        page -> ndjson ? export(client, query, page) : completeOK(page, json()));
  }

  /** {@code first} and every page after it, one entry per line. */
  private Route export(LatticeClient client, RunLogQuery query, RunLogPage first) {
    Source<RunLogEntry, NotUsed> rest =
        Source.unfoldAsync(
                first.more() ? Optional.of(first.next()) : Optional.<String>empty(),
                next ->
                    next.isEmpty()
                        ? CompletableFuture.completedFuture(Optional.empty())
                        : client
                            .runLog(query.after(next.get()))
                            .thenApply(
                                page ->
                                    Optional.of(
                                        Pair.create(
                                            page.more()
                                                ? Optional.of(page.next())
                                                : Optional.<String>empty(),
                                            page))))
            .mapConcat(RunLogPage::entries);
    Source<ByteString, NotUsed> lines =
        Source.from(first.entries())
            .concat(rest)
            .map(entry -> ByteString.fromArray(JsonSupport.bytes(entry)).concat(NEWLINE));
    return complete(
        HttpResponse.create().withEntity(HttpEntities.createChunked(JsonSupport.NDJSON, lines)));
  }

  private RunLogQuery query(
      String id,
      Optional<String> level,
      Optional<String> source,
      Optional<String> step,
      Optional<String> after,
      Optional<String> limit,
      HttpRequest request) {
    // An export reads whole pages, as large as a client may ask for.
    int size =
        wantsNdjson(request)
            ? settings.maxPageSize()
            : limit
                .map(value -> RunRoutes.limit(value, settings.maxPageSize()))
                .orElse(settings.defaultPageSize());
    try {
      return new RunLogQuery(
          RunRoutes.runId(id),
          level.map(RunLogRoutes::level).orElse(LogLevel.INFO),
          source.map(value -> name(value, SOURCE)).orElse(null),
          step.map(value -> name(value, STEP)).orElse(null),
          after.orElse(null),
          size);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(e.getMessage(), AFTER));
    }
  }

  private static LogLevel level(String value) {
    try {
      return LogLevel.fromWire(value);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(e.getMessage(), LEVEL));
    }
  }

  private static String name(String value, String field) {
    if (value.isBlank() || value.length() > MAX_NAME) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              field + " must be 1 to " + MAX_NAME + " characters", field));
    }
    return value;
  }

  private static boolean wantsNdjson(HttpRequest request) {
    return request
        .getHeader("Accept")
        .map(accept -> accept.value().contains(JsonSupport.NDJSON.mediaType().toString()))
        .orElse(false);
  }
}
