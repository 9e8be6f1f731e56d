package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.anthropicBody;
import static dev.lattice.modelserver.ModelClient.json;
import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.RateLimits;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void refusesRequestsPastTheLimitPerMinuteUntilTheWindowMoves() throws Exception {
    Script script =
        Script.of(ScriptEntry.text("ok").when(new Match(null, null, null)))
            .withRateLimits(RateLimits.requestsPerMinute(2));
    try (ScriptedModelServer server = start(script)) {
      ModelClient client = new ModelClient(server);

      HttpResponse<String> first = client.send(client.openAi(openAiBody("m", "a", false)));
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
      assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
      assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1m0s");
      clock.advance(Duration.ofSeconds(10));
      HttpResponse<String> second = client.send(client.openAi(openAiBody("m", "b", false)));
      assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");

      HttpResponse<String> refused = client.send(client.openAi(openAiBody("m", "c", false)));
      assertThat(refused.statusCode()).isEqualTo(429);
      // The first request leaves the window 60 s after it came, 50 s from now.
      assertThat(refused.headers().firstValue("retry-after")).hasValue("50");
      assertThat(json(refused).path("error").path("code").asText())
          .isEqualTo("rate_limit_exceeded");

      clock.advance(Duration.ofSeconds(50));
      assertThat(client.send(client.openAi(openAiBody("m", "d", false))).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void countsOverTheWindowTheLimitsName() throws Exception {
    Script script =
        Script.of(ScriptEntry.text("ok").when(new Match(null, null, null)))
            .withRateLimits(RateLimits.requestsPerMinute(1).per(Duration.ofSeconds(10)));
    assertThat(Script.fromJson(script.toJson())).isEqualTo(script);
    try (ScriptedModelServer server = start(script)) {
      ModelClient client = new ModelClient(server);

      HttpResponse<String> first = client.send(client.openAi(openAiBody("m", "a", false)));
      assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).hasValue("10s");
      clock.advance(Duration.ofSeconds(4));
      HttpResponse<String> refused = client.send(client.openAi(openAiBody("m", "b", false)));
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("6");

      clock.advance(Duration.ofSeconds(6));
      assertThat(client.send(client.openAi(openAiBody("m", "c", false))).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesRequestsOnceTheTokensOfTheMinuteAreSpent() throws Exception {
    Script script =
        Script.of(ScriptEntry.text("ok").usage(Usage.of(6, 4)).when(Match.model("m")))
            .withRateLimits(RateLimits.tokensPerMinute(15));
    try (ScriptedModelServer server = start(script)) {
      ModelClient client = new ModelClient(server);

      HttpResponse<String> first = client.send(client.openAi(openAiBody("m", "a", false)));
      assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("5");
      assertThat(client.send(client.openAi(openAiBody("m", "b", false))).statusCode())
          .isEqualTo(200);
      HttpResponse<String> refused = client.send(client.openAi(openAiBody("m", "c", false)));
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("60");
    }
  }

  @Test
  void limitsAModelOnItsOwnAndReportsItInAnthropicsHeaders() throws Exception {
    Script script =
        Script.of(ScriptEntry.text("ok").when(new Match(null, null, null)))
            .withModelRateLimits("slow-model", RateLimits.requestsPerMinute(1));
    try (ScriptedModelServer server = start(script)) {
      ModelClient client = new ModelClient(server);

      HttpResponse<String> first =
          client.send(client.anthropic(anthropicBody("slow-model", "a", false)));
      HttpHeaders headers = first.headers();
      assertThat(headers.firstValue("anthropic-ratelimit-requests-limit")).hasValue("1");
      assertThat(headers.firstValue("anthropic-ratelimit-requests-remaining")).hasValue("0");
      assertThat(headers.firstValue("anthropic-ratelimit-requests-reset"))
          .hasValue("2025-01-01T00:01:00Z");
      HttpResponse<String> refused =
          client.send(client.anthropic(anthropicBody("slow-model", "b", false)));
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(json(refused).path("error").path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(refused.headers().firstValue("retry-after")).hasValue("60");
      // Another model is not limited.
      assertThat(client.send(client.anthropic(anthropicBody("other", "c", false))).statusCode())
          .isEqualTo(200);
    }
  }

  private ScriptedModelServer start(Script script) {
    return ScriptedModelServer.start(script, ModelServerSettings.loopback().withClock(clock));
  }
}
