package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.SamplePlans;
import dev.lattice.orchestrator.testing.ScriptedNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after known runs on a real node (H2 file journal, HTTP on loopback, a
 * scripted model server): runs started and ended by tenant and status, the runs not ended by
 * status, step durations by capability and agent, queue waits by bus key, the dispatcher's
 * decisions by kind, tokens and cost by tenant, provider and model, the journal's writes and
 * batches, the agents' breakers, the open event streams, and the JVM's and the connection pool's
 * figures; no label holds a run id.
 */
class MetricsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final String WAITING =
      """
      {"plan":{"steps":[{"id":"w","kind":"wait","signal":"go"}]}}
      """;

  @TempDir Path data;

  @Test
  void aScrapeCountsWhatKnownRunsDid() throws Exception {
    Script script = SamplePlans.summaries();
    try (ScriptedNode node = ScriptedNode.start(data, script)) {
      HttpRuns http = new HttpRuns();
      String done = http.execute(node.api(), SamplePlans.FAN_OUT_THEN_LLM, "fan-out");
      http.awaitRun(
          node.api(), done, run -> "completed".equals(run.path("status").asText()), TIMEOUT);
      String cancelled = http.execute(node.api(), WAITING, "cancelled");
      http.awaitRun(
          node.api(), cancelled, run -> "running".equals(run.path("status").asText()), TIMEOUT);
      assertThat(
              http.post(
                      node.api(), "/api/v1/runs/" + cancelled + "/cancel", "{\"reason\":\"test\"}")
                  .statusCode())
          .isEqualTo(200);
      String paused = http.execute(node.api(), WAITING, "paused");
      http.awaitRun(
          node.api(), paused, run -> "running".equals(run.path("status").asText()), TIMEOUT);
      assertThat(
              http.post(node.api(), "/api/v1/runs/" + paused + "/pause", "{\"reason\":\"test\"}")
                  .statusCode())
          .isEqualTo(200);

      String[] text = new String[1];
      Await.until(
          () -> {
            text[0] = scrape(node.api());
            return value(text[0], "lattice_runs_finished_total", "status=\"cancelled\"") == 1;
          },
          TIMEOUT,
          () -> text[0]);
      String metrics = text[0];

      assertThat(value(metrics, "lattice_runs_started_total", "tenant=\"default\""))
          .as(samples(metrics, "lattice_runs_started_total"))
          .isEqualTo(3);
      assertThat(
              value(
                  metrics,
                  "lattice_runs_finished_total",
                  "status=\"completed\"",
                  "tenant=\"default\""))
          .as(samples(metrics, "lattice_runs_finished_total"))
          .isEqualTo(1);
      assertThat(value(metrics, "lattice_runs", "status=\"paused\"", "tenant=\"default\""))
          .as(samples(metrics, "lattice_runs"))
          .isEqualTo(1);
      assertThat(
              value(
                  metrics,
                  "lattice_step_duration_seconds_count",
                  "capability=\"echo\"",
                  "outcome=\"succeeded\""))
          .as(samples(metrics, "lattice_step_duration_seconds_count"))
          .isEqualTo(3);
      assertThat(
              value(
                  metrics,
                  "lattice_step_duration_seconds_bucket",
                  "capability=\"echo\"",
                  "le=\"+Inf\""))
          .as(samples(metrics, "lattice_step_duration_seconds_bucket"))
          .isEqualTo(3);
      assertThat(
              value(
                  metrics,
                  "lattice_queue_wait_seconds_count",
                  "bus_key=\"agent/echo/",
                  "/default\""))
          .as(samples(metrics, "lattice_queue_wait_seconds_count"))
          .isEqualTo(3);
      assertThat(
              value(
                  metrics,
                  "lattice_dispatch_decisions_total",
                  "capability=\"echo\"",
                  "kind=\"dispatched\""))
          .as(samples(metrics, "lattice_dispatch_decisions_total"))
          .isEqualTo(3);
      assertThat(
              value(
                  metrics,
                  "lattice_llm_tokens_total",
                  "model=\"scripted-model\"",
                  "provider=\"local\"",
                  "tenant=\"default\"",
                  "type=\"prompt\""))
          .as(samples(metrics, "lattice_llm_tokens_total"))
          .isEqualTo(SamplePlans.PROMPT_TOKENS);
      assertThat(value(metrics, "lattice_llm_tokens_total", "type=\"completion\""))
          .as(samples(metrics, "lattice_llm_tokens_total"))
          .isEqualTo(SamplePlans.COMPLETION_TOKENS);
      assertThat(value(metrics, "lattice_journal_write_seconds_count", "outcome=\"ok\""))
          .as(samples(metrics, "lattice_journal_write_seconds_count"))
          .isPositive();
      assertThat(value(metrics, "lattice_journal_batch_events_sum"))
          .as(samples(metrics, "lattice_journal_batch_events_sum"))
          .isGreaterThanOrEqualTo(10);
      assertThat(metrics)
          .contains("lattice_event_streams ")
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads ")
          .contains("hikaricp_connections");
      // Every agent's breaker is closed, and in one state only.
      assertThat(
              value(metrics, "lattice_breaker_state", "agent=\"local.echo\"", "state=\"closed\""))
          .as(samples(metrics, "lattice_breaker_state"))
          .isEqualTo(1);
      assertThat(value(metrics, "lattice_breaker_state", "agent=\"local.echo\""))
          .as(samples(metrics, "lattice_breaker_state"))
          .isEqualTo(1);
      // Bounded cardinality: runs are counted, never named.
      assertThat(metrics).doesNotContain(done).doesNotContain(cancelled).doesNotContain(paused);
    }
  }

  private static String scrape(String api) {
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api + "/metrics")).timeout(TIMEOUT).build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain").contains("0.0.4"));
    return response.body();
  }

  /** The samples of {@code name}, for a failure's message. */
  private static String samples(String metrics, String name) {
    return String.join("\n", metrics.lines().filter(line -> line.startsWith(name)).toList());
  }

  /** The sum of the samples of {@code name} whose labels hold every one of {@code labels}. */
  private static double value(String metrics, String name, String... labels) {
    Pattern sample =
        Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(metrics);
    double sum = 0;
    while (m.find()) {
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= set.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
