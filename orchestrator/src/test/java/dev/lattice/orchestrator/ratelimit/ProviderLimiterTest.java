package dev.lattice.orchestrator.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.worker.action.llm.LlmSettings;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The limiter of one provider model, as dispatchers talk to it. */
class ProviderLimiterTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LimitedModel MODEL = new LimitedModel("local", "m");
  private static final String REASON =
      "rate_limited: provider local model m (1 requests per 2000 ms)";
  private static final Config CONFIG =
      ConfigFactory.parseString(
              """
              lattice.llm.providers.local {
                base-url = "http://127.0.0.1:1/v1", models = [m]
                limits { requests-per-minute = 1, window = 2s }
              }
              lattice.dispatch.rate-limits { margin = 100ms, permit-hold = 50ms }
              """)
          .withFallback(ConfigFactory.defaultReference());

  private final ActorRef<ProviderLimiter.Command> limiter =
      testKit.spawn(
          ProviderLimiter.create(
              MODEL,
              LlmSettings.create(CONFIG.getConfig("lattice.llm")),
              RateLimitSettings.create(CONFIG),
              Clock.systemUTC()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void grantsAsTheLimitAllowsAndTellsTheOthersWhyTheyWait() {
    TestProbe<ProviderLimiter.Answer> first = testKit.createTestProbe();
    TestProbe<ProviderLimiter.Answer> second = testKit.createTestProbe();

    limiter.tell(new ProviderLimiter.Acquire("a", 1, 10, first.ref()));
    first.expectMessage(new ProviderLimiter.Granted(MODEL, "a", null));
    limiter.tell(new ProviderLimiter.Acquire("b", 1, 10, second.ref()));
    second.expectMessage(new ProviderLimiter.Waiting(MODEL, "b", REASON));

    // Room comes back a window and the margin after the first grant, without another ask.
    ProviderLimiter.Answer later = second.receiveMessage(Duration.ofSeconds(10));
    assertThat(later).isEqualTo(new ProviderLimiter.Granted(MODEL, "b", null));
  }

  @Test
  void roomGivenBackGoesToTheNextInLineAtOnce() {
    TestProbe<ProviderLimiter.Answer> first = testKit.createTestProbe();
    TestProbe<ProviderLimiter.Answer> second = testKit.createTestProbe();
    TestProbe<ProviderLimiter.Answer> third = testKit.createTestProbe();
    limiter.tell(new ProviderLimiter.Acquire("a", 1, 10, first.ref()));
    first.expectMessageClass(ProviderLimiter.Granted.class);
    limiter.tell(new ProviderLimiter.Acquire("b", 1, 10, second.ref()));
    limiter.tell(new ProviderLimiter.Acquire("c", 1, 10, third.ref()));
    second.expectMessageClass(ProviderLimiter.Waiting.class);
    third.expectMessageClass(ProviderLimiter.Waiting.class);

    limiter.tell(new ProviderLimiter.Release("a"));

    // The next in line gets it, and hears that another still waits.
    second.expectMessage(Duration.ofSeconds(1), new ProviderLimiter.Granted(MODEL, "b", REASON));
    third.expectNoMessage(Duration.ofMillis(50));
  }
}
