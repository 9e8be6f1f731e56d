package dev.lattice.worker.action.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.json.LatticeJson;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which provider model an attempt will call, as a dispatcher learns it before dispatch. */
class LlmTargetsTest {
  private static final LlmSettings SETTINGS =
      LlmSettings.create(
          ConfigFactory.parseString(
                  """
                  lattice.llm {
                    providers {
                      openai {
                        base-url = "http://127.0.0.1:1/v1", models = ["gpt-small", "gpt-big"]
                        limits {
                          requests-per-minute = 60
                          models { gpt-big { tokens-per-minute = 1000 } }
                        }
                      }
                      free { base-url = "http://127.0.0.1:2/v1", models = ["open-model"] }
                    }
                    profiles { reviewer { provider = openai, model = gpt-big, system = "Review." } }
                  }
                  """)
              .withFallback(ConfigFactory.defaultReference())
              .getConfig("lattice.llm"));
  private static final LlmTargets TARGETS = new LlmTargets(SETTINGS, Set.of("summarise"));

  @Test
  void aStepOfTheLlmCapabilityTargetsTheProviderServingItsModel() {
    LlmTarget target =
        TARGETS
            .target(
                "llm", null, json("{'model': 'gpt-small', 'prompt': 'abcdefgh', 'maxTokens': 10}"))
            .orElseThrow();

    assertThat(target.provider()).isEqualTo("openai");
    assertThat(target.model()).isEqualTo("gpt-small");
    assertThat(target.limit()).isEqualTo(new RateLimit(60, 0, Duration.ofMinutes(1)));
    // Eight characters are two tokens, and the answer may take ten.
    assertThat(target.tokens()).isEqualTo(12);
    assertThat(target.requests()).isEqualTo(1);
  }

  @Test
  void aStepThatMayRepairItsAnswerMayMakeOneRequestMorePerRepair() {
    LlmTarget target =
        TARGETS
            .target(
                "llm",
                null,
                json(
                    "{'model': 'gpt-small', 'prompt': 'x', 'schema': {'type': 'object'},"
                        + " 'maxRepairs': 2}"))
            .orElseThrow();

    assertThat(target.requests()).isEqualTo(3);
    // One token of prompt and the default 1024 of answer, for each of the three.
    assertThat(target.tokens()).isEqualTo(3 * 1025);
  }

  @Test
  void aProfileServedAsACapabilityTargetsItsModelWithTheModelsOwnLimit() {
    LlmTarget target = TARGETS.target("reviewer", null, json("{'prompt': 'x'}")).orElseThrow();

    assertThat(target.model()).isEqualTo("gpt-big");
    // The model's override keeps the provider's request figure and adds its own tokens.
    assertThat(target.limit()).isEqualTo(new RateLimit(60, 1000, Duration.ofMinutes(1)));
    assertThat(target.limit().describe()).isEqualTo("60 rpm, 1000 tpm");
  }

  @Test
  void theAssignmentsModelAndAnAgentsLlmCapabilityCountToo() {
    assertThat(TARGETS.target("summarise", "open-model", json("{'prompt': 'x'}")))
        .hasValueSatisfying(
            target -> {
              assertThat(target.provider()).isEqualTo("free");
              assertThat(target.limit().limited()).isFalse();
            });
  }

  @Test
  void otherCapabilitiesAndInputTheActionWouldRefuseHaveNoTarget() {
    assertThat(TARGETS.covers("echo")).isFalse();
    assertThat(TARGETS.target("echo", "gpt-small", json("{'prompt': 'x'}"))).isEmpty();
    assertThat(TARGETS.target("llm", null, json("{'model': 'unknown', 'prompt': 'x'}"))).isEmpty();
    assertThat(TARGETS.target("llm", null, json("{'model': 'gpt-small'}"))).isEmpty();
    assertThat(TARGETS.target("llm", null, json("\"not an object\""))).isEmpty();
  }

  @Test
  void aWindowOtherThanAMinuteIsDescribedAsSuch() {
    assertThat(new RateLimit(60, 0, Duration.ofSeconds(10)).describe())
        .isEqualTo("60 requests per 10000 ms");
  }

  private static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
