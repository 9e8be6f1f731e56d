package dev.lattice.orchestrator.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.RateObservation;
import dev.lattice.protocol.agent.RateObservation.Quota;
import dev.lattice.worker.action.llm.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateBookTest {
  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration MARGIN = Duration.ofSeconds(1);

  private static RateBook book(long requests, long tokens) {
    return new RateBook("provider p model m", new RateLimit(requests, tokens, MINUTE), MARGIN);
  }

  @Test
  void grantsUpToTheLimitThenKeepsTheRestWaitingInOrder() {
    RateBook book = book(3, 0);

    List<String> granted = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      granted.addAll(book.request("k" + i, 1, 10, T0));
    }

    assertThat(granted).containsExactly("k1", "k2", "k3");
    assertThat(book.anyWaiting()).isTrue();
    assertThat(book.reason()).isEqualTo("rate_limited: provider p model m (3 rpm)");
    // A grant counts a window and the margin: room comes back only then, to the first in line.
    assertThat(book.nextCheck()).contains(T0.plus(MINUTE).plus(MARGIN));
    assertThat(book.poll(T0.plus(MINUTE))).isEmpty();
    assertThat(book.poll(T0.plus(MINUTE).plus(MARGIN))).containsExactly("k4", "k5");
    assertThat(book.anyWaiting()).isFalse();
  }

  @Test
  void neverGrantsMoreThanTheLimitInAnyWindowUnderSteadyDemand() {
    RateBook book = book(10, 0);
    List<Instant> grants = new ArrayList<>();
    int next = 0;
    for (Instant now = T0;
        now.isBefore(T0.plus(Duration.ofMinutes(5)));
        now = now.plusMillis(250)) {
      // A new ask every quarter second, far more than ten a minute.
      for (String ignored : book.request("k" + next++, 1, 1, now)) {
        grants.add(now);
      }
    }
    // Ten a window and a margin: about 49 in five minutes, each as soon as one expired.
    assertThat(grants).hasSizeGreaterThanOrEqualTo(45);
    Duration span = MINUTE.plus(MARGIN);
    for (Instant start : grants) {
      long inWindow =
          grants.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plus(span))).count();
      assertThat(inWindow).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void aGrantGivenBackUnusedStopsCountingAtOnce() {
    RateBook book = book(1, 0);
    assertThat(book.request("a", 1, 1, T0)).containsExactly("a");
    assertThat(book.request("b", 1, 1, T0)).isEmpty();

    book.release("a");

    assertThat(book.poll(T0.plusSeconds(1))).containsExactly("b");
  }

  @Test
  void aRepeatedAskIsAnsweredAgainAndCountedOnce() {
    RateBook book = book(2, 0);
    assertThat(book.request("a", 1, 1, T0)).containsExactly("a");
    assertThat(book.request("a", 1, 1, T0)).containsExactly("a");

    assertThat(book.request("b", 1, 1, T0)).containsExactly("b");
    assertThat(book.request("c", 1, 1, T0)).isEmpty();
    assertThat(book.request("c", 1, 1, T0)).isEmpty();
  }

  @Test
  void tokensCountTheEstimateUntilTheRealUsageIsSettled() {
    RateBook book = book(0, 1000);
    assertThat(book.request("a", 1, 800, T0)).containsExactly("a");
    assertThat(book.request("b", 1, 300, T0)).isEmpty();
    assertThat(book.reason()).isEqualTo("rate_limited: provider p model m (1000 tpm)");

    book.settle("a", 1, 100);

    assertThat(book.poll(T0.plusSeconds(1))).containsExactly("b");
  }

  @Test
  void anAttemptThatMayRepairItsAnswerHoldsRoomForEveryTryUntilItSettles() {
    RateBook book = book(4, 0);
    assertThat(book.request("repairs", 3, 1, T0)).containsExactly("repairs");
    assertThat(book.request("b", 1, 1, T0)).containsExactly("b");
    assertThat(book.request("c", 1, 1, T0)).isEmpty();

    // Its first answer was right: one request, not three.
    book.settle("repairs", 1, 1);

    assertThat(book.poll(T0.plusSeconds(1))).containsExactly("c");
  }

  @Test
  void anAskLargerThanTheWholeWindowWaitsForAnEmptyOneInsteadOfForever() {
    RateBook book = book(0, 1000);
    assertThat(book.request("small", 1, 10, T0)).containsExactly("small");
    assertThat(book.request("huge", 1, 5000, T0)).isEmpty();

    assertThat(book.poll(T0.plus(MINUTE).plus(MARGIN))).containsExactly("huge");
  }

  @Test
  void aLowerLimitTheProviderReportsReplacesTheConfiguredOne() {
    RateBook book = book(100, 0);
    book.request("a", 1, 1, T0);

    book.observe(observed(new Quota(2, 1, 30_000), null), T0);

    assertThat(book.effective().requests()).isEqualTo(2);
    assertThat(book.request("b", 1, 1, T0)).containsExactly("b");
    assertThat(book.request("c", 1, 1, T0)).isEmpty();
    assertThat(book.reason()).isEqualTo("rate_limited: provider p model m (2 rpm)");
  }

  @Test
  void usageTheProviderSawBeyondTheGrantsCountsUntilItsReset() {
    RateBook book = book(10, 0);
    book.request("a", 1, 1, T0);

    // Someone else used seven of the ten: only two are left here.
    book.observe(observed(new Quota(10, 2, 20_000), null), T0);

    assertThat(book.request("b", 1, 1, T0)).containsExactly("b");
    assertThat(book.request("c", 1, 1, T0)).containsExactly("c");
    assertThat(book.request("d", 1, 1, T0)).isEmpty();
    assertThat(book.poll(T0.plusSeconds(20))).containsExactly("d");
  }

  @Test
  void reportsThatAgreeWithTheGrantsChangeNothing() {
    RateBook book = book(3, 0);
    book.request("a", 1, 1, T0);
    book.request("b", 1, 1, T0);

    book.observe(observed(new Quota(3, 1, 60_000), null), T0);
    book.observe(observed(new Quota(3, 2, 60_000), null), T0);

    assertThat(book.request("c", 1, 1, T0)).containsExactly("c");
  }

  private static RateObservation observed(Quota requests, Quota tokens) {
    return new RateObservation("p", "m", requests, tokens);
  }
}
