package dev.lattice.orchestrator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The encoder of a node's log lines: text or JSON, each line redacted either way. */
class RedactingEncoderTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger logger = context.getLogger("dev.lattice.test");

  @AfterEach
  void clear() {
    MDC.clear();
  }

  private RedactingEncoder encoder(String format) {
    RedactingEncoder encoder = new RedactingEncoder();
    encoder.setContext(context);
    encoder.setPattern("%-5level %logger - %msg%n");
    encoder.setFormat(format);
    encoder.start();
    return encoder;
  }

  private LoggingEvent event(String message, Throwable thrown, Object... arguments) {
    return new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, thrown, arguments);
  }

  @Test
  void writesOneJsonObjectPerLineWithTheRunsIdsFromTheMdc() throws Exception {
    try (LogContext ids = LogContext.run("run-1", "acme", "build")) {
      String line = encode(encoder("json"), event("step {} started", null, "build"));

      assertThat(line).endsWith("\n").doesNotContain("\n{");
      JsonNode json = LatticeJson.mapper().readTree(line);
      assertThat(json.path("level").asText()).isEqualTo("INFO");
      assertThat(json.path("loggerName").asText()).isEqualTo("dev.lattice.test");
      assertThat(json.path("formattedMessage").asText()).isEqualTo("step build started");
      assertThat(json.path("timestamp").isNumber()).isTrue();
      assertThat(json.path("mdc").path("runId").asText()).isEqualTo("run-1");
      assertThat(json.path("mdc").path("tenant").asText()).isEqualTo("acme");
      assertThat(json.path("mdc").path("stepId").asText()).isEqualTo("build");
    }
    assertThat(MDC.get("runId")).isNull();
  }

  @Test
  void aSecretNeverAppearsInAJsonLineWhereverItIsQuoted() throws Exception {
    MDC.put("apiKey", "sk-mdc-secret");
    String line =
        encode(
            encoder("json"),
            event(
                "calling with password={} and \"token\": \"{}\"",
                new IllegalStateException("refused: Authorization: Bearer sk-thrown-secret"),
                "hunter2",
                "sk-quoted-secret"));

    assertThat(line)
        .doesNotContain("hunter2")
        .doesNotContain("sk-quoted-secret")
        .doesNotContain("sk-mdc-secret")
        .doesNotContain("sk-thrown-secret")
        .contains("[redacted]");
    // Still one JSON object: redaction replaces values inside their quotes.
    assertThat(LatticeJson.mapper().readTree(line).path("mdc").path("apiKey").asText())
        .isEqualTo("[redacted]");
  }

  @Test
  void followsTheNodesFormatUnlessOneIsFixed() {
    RedactingEncoder following = new RedactingEncoder();
    following.setContext(context);
    following.setPattern("%msg%n");
    following.start();
    LogFormat before = LogFormat.current();
    try {
      LogFormat.install(LogFormat.TEXT);
      assertThat(encode(following, event("plain password=hunter2", null)))
          .isEqualTo("plain password=[redacted]\n");
      LogFormat.install(LogFormat.JSON);
      assertThat(encode(following, event("plain", null))).startsWith("{");
      assertThat(encode(encoder("text"), event("plain", null)))
          .isEqualTo("INFO  dev.lattice.test - plain\n");
    } finally {
      LogFormat.install(before);
    }
  }

  @Test
  void readsTheTraceIdOfATraceparent() {
    assertThat(LogContext.traceOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(LogContext.traceOf(null)).isNull();
    assertThat(LogContext.traceOf("not a traceparent")).isNull();
  }

  private static String encode(RedactingEncoder encoder, LoggingEvent event) {
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }
}
