package dev.lattice.orchestrator.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.SamplePlans;
import dev.lattice.orchestrator.testing.ScriptedNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's spans, as a node's in-memory exporter receives them over real HTTP on loopback with an H2
 * file journal and a scripted model server: the request that started the run under its caller's
 * trace, the run, each step attempt of a fan-out, and the model call with OpenTelemetry's GenAI
 * attributes, in one tree; and a run that carries on after its node restarted continues the same
 * trace under the same run span.
 */
class TracesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  private static final String WAITS =
      """
      {"plan":{"steps":[
        {"id":"before","capability":"echo","input":{"text":"before"}},
        {"id":"w","kind":"wait","signal":"go","dependsOn":["before"]},
        {"id":"after","capability":"echo","input":{"text":"after"},"dependsOn":["w"]}]}}
      """;

  @TempDir Path data;

  @Test
  void aRunWithAFanOutAndAModelCallIsOneTreeUnderItsCaller() throws Exception {
    Script script = SamplePlans.summaries();
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (ScriptedModelServer models = ScriptedModelServer.start(script);
        Lattice lattice = ScriptedNode.builder(data, models).spanExporter(spans).start()) {
      String api = LoopbackApi.start(lattice);
      HttpResponse<String> started =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api + "/api/v1/execute"))
                      .header("Content-Type", "application/json")
                      .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                      .POST(HttpRequest.BodyPublishers.ofString(SamplePlans.FAN_OUT_THEN_LLM))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).isEqualTo(202);
      SpanData run = awaitSpan(spans, span -> span.getName().equals("run plan"));

      List<SpanData> all = spans.getFinishedSpanItems();
      SpanData post = one(all, span -> span.getName().equals("POST"));
      assertThat(post.getTraceId()).isEqualTo(CALLER_TRACE);
      assertThat(post.getParentSpanId()).isEqualTo(CALLER_SPAN);
      assertThat(run.getTraceId()).isEqualTo(CALLER_TRACE);
      assertThat(run.getParentSpanId()).isEqualTo(post.getSpanId());
      assertThat(run.getAttributes().get(AttributeKey.stringKey("lattice.run.status")))
          .isEqualTo("completed");

      List<SpanData> echoes = all.stream().filter(s -> s.getName().equals("step echo")).toList();
      assertThat(echoes).hasSize(3);
      SpanData ask = one(all, span -> span.getName().equals("step llm"));
      for (SpanData step : concat(echoes, ask)) {
        assertThat(step.getTraceId()).isEqualTo(CALLER_TRACE);
        assertThat(step.getParentSpanId()).as(step.getName()).isEqualTo(run.getSpanId());
        assertThat(step.getStartEpochNanos()).isGreaterThanOrEqualTo(run.getStartEpochNanos());
        assertThat(step.getEndEpochNanos()).isLessThanOrEqualTo(run.getEndEpochNanos());
      }
      assertThat(ask.getAttributes().get(AttributeKey.stringKey("lattice.step.id")))
          .isEqualTo("ask");

      SpanData chat = one(all, span -> span.getName().equals("chat scripted-model"));
      assertThat(chat.getParentSpanId()).isEqualTo(ask.getSpanId());
      assertThat(chat.getTraceId()).isEqualTo(CALLER_TRACE);
      assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
          .isEqualTo("chat");
      assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
          .isEqualTo("scripted-model");
      assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("openai");
      assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
          .isEqualTo((long) SamplePlans.PROMPT_TOKENS);
      assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
          .isEqualTo((long) SamplePlans.COMPLETION_TOKENS);
      // Never what was said.
      assertThat(chat.getAttributes().toString())
          .doesNotContain("Sum up")
          .doesNotContain("All three");
    }
  }

  @Test
  void aRunResumedByAnotherStartOfItsNodeContinuesItsTrace() throws Exception {
    HttpRuns http = new HttpRuns();
    String runId;
    SpanData before;
    SpanData post;
    InMemorySpanExporter first = InMemorySpanExporter.create();
    try (Lattice lattice = Lattice.builder().dataDirectory(data).spanExporter(first).start()) {
      String api = LoopbackApi.start(lattice);
      runId = http.execute(api, WAITS, "waits");
      http.awaitRun(
          api,
          runId,
          run -> "waiting".equals(step(run, "w")) || "running".equals(step(run, "w")),
          TIMEOUT);
      before = awaitSpan(first, span -> span.getName().equals("step echo"));
      post = one(first.getFinishedSpanItems(), span -> span.getName().equals("POST"));
    }
    InMemorySpanExporter second = InMemorySpanExporter.create();
    try (Lattice lattice = Lattice.builder().dataDirectory(data).spanExporter(second).start()) {
      String api = LoopbackApi.start(lattice);
      assertThat(http.post(api, "/api/v1/runs/" + runId + "/signals/go", "{}").statusCode())
          .isEqualTo(200);
      SpanData run = awaitSpan(second, span -> span.getName().equals("run plan"));
      SpanData after = one(second.getFinishedSpanItems(), s -> s.getName().equals("step echo"));

      assertThat(after.getTraceId()).isEqualTo(before.getTraceId());
      assertThat(run.getTraceId()).isEqualTo(before.getTraceId());
      assertThat(before.getParentSpanId()).isEqualTo(run.getSpanId());
      assertThat(after.getParentSpanId()).isEqualTo(run.getSpanId());
      // Under the request that started it, on the node before.
      assertThat(run.getParentSpanId()).isEqualTo(post.getSpanId());
    }
  }

  private static String step(com.fasterxml.jackson.databind.JsonNode run, String id) {
    for (var step : run.path("steps")) {
      if (id.equals(step.path("id").asText())) {
        return step.path("status").asText();
      }
    }
    return "";
  }

  private static SpanData awaitSpan(InMemorySpanExporter spans, Predicate<SpanData> which) {
    Await.until(
        () -> spans.getFinishedSpanItems().stream().anyMatch(which),
        TIMEOUT,
        () -> spans.getFinishedSpanItems().stream().map(SpanData::getName).toList().toString());
    return one(spans.getFinishedSpanItems(), which);
  }

  private static SpanData one(List<SpanData> spans, Predicate<SpanData> which) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertThat(found).as(spans.stream().map(SpanData::getName).toList().toString()).hasSize(1);
    return found.get(0);
  }

  private static List<SpanData> concat(List<SpanData> some, SpanData one) {
    return java.util.stream.Stream.concat(some.stream(), java.util.stream.Stream.of(one)).toList();
  }
}
