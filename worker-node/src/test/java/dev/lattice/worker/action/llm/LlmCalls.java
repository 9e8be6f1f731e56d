package dev.lattice.worker.action.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.Heartbeats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the llm action's tests share: settings pointing at a scripted model server (provider {@code
 * openai-test} for model {@code scripted-model}, {@code anthropic-test} for {@code claude-test},
 * both keyed by {@link #KEY_ENV}), requests, and running the action to its end.
 */
final class LlmCalls {
  static final String KEY = "sk-lattice-test-6f1d0c9a8b7e";
  static final String KEY_ENV = "LATTICE_TEST_LLM_KEY";
  static final String OPENAI_MODEL = "scripted-model";
  static final String ANTHROPIC_MODEL = "claude-test";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private LlmCalls() {}

  /** Settings for providers at {@code server}, with {@code extra} HOCON under lattice.llm. */
  static LlmSettings settings(ScriptedModelServer server, String extra) {
    String base = server.baseUrl().resolve("/v1").toString();
    return LlmSettings.create(
        ConfigFactory.parseString(
                """
                lattice.llm.providers {
                  # The shipped local provider serves the same model name: out of the way.
                  local.models = []
                  openai-test { protocol = openai, base-url = "%s", api-key-env = %s,
                                models = [%s], request-timeout = 10s }
                  anthropic-test { protocol = anthropic, base-url = "%s", api-key-env = %s,
                                   models = [%s], request-timeout = 10s }
                }
                lattice.llm { %s }
                """
                    .formatted(base, KEY_ENV, OPENAI_MODEL, base, KEY_ENV, ANTHROPIC_MODEL, extra))
            .withFallback(ConfigFactory.defaultReference())
            .getConfig("lattice.llm"));
  }

  /** The action with the key in its environment. */
  static LlmAction action(LlmSettings settings) {
    return action(settings, Map.of(KEY_ENV, KEY));
  }

  static LlmAction action(LlmSettings settings, Map<String, String> environment) {
    return new LlmAction(settings, environment::get, DeltaSink.NONE, Clock.systemUTC());
  }

  static ActionContext context(ActorSystem<?> system, Heartbeats heartbeats) {
    return new ActionContext(
        AgentId.of("test.llm"), Runnable::run, LatticeJson.mapper(), heartbeats, system);
  }

  /** A context that counts the attempt's heartbeats in {@code beats}, the attempt always wanted. */
  static ActionContext counting(ActorSystem<?> system, AtomicInteger beats) {
    return context(
        system,
        key -> {
          beats.incrementAndGet();
          return true;
        });
  }

  static ActionRequest request(String capability, String inputJson) {
    return request(capability, null, Instant.now().plus(WAIT), inputJson);
  }

  static ActionRequest request(
      String capability, String model, Instant deadline, String inputJson) {
    return request(capability, model, Budget.UNLIMITED, deadline, inputJson);
  }

  /** A request of an attempt whose envelope is {@code budget}. */
  static ActionRequest request(
      String capability, String model, Budget budget, Instant deadline, String inputJson) {
    try {
      JsonNode input = LatticeJson.mapper().readTree(inputJson.replace('\'', '"'));
      return new ActionRequest(
          "r", "s", 1, "r/s/1", "default", capability, model, budget, deadline, input, List.of());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ActionResult run(LlmAction action, ActionRequest request, ActionContext context) {
    try {
      return action
          .execute(request, context)
          .toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call failed", e);
    }
  }

  /** The failure the call ends with. */
  static ActionException failure(LlmAction action, ActionRequest request, ActionContext context) {
    Throwable thrown =
        catchThrowable(
            () ->
                action
                    .execute(request, context)
                    .toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Throwable cause = thrown;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertThat(cause).isInstanceOf(ActionException.class);
    return (ActionException) cause;
  }
}
