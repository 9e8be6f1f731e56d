package dev.lattice.orchestrator.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.session.MemoryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory policies' decisions, on a session's state alone. */
class SessionStateTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final int MAX_STORED = 1000;
  private static final int REMEMBER = 100;

  /** {@code state} after an exchange of the step {@code key}: a user message and its answer. */
  private static SessionState exchange(SessionState state, String key, MemoryPolicy policy) {
    List<SessionState.Message> messages =
        List.of(
            new SessionState.Message("user", "h-" + key + "-q"),
            new SessionState.Message("assistant", "h-" + key + "-a"));
    return append(state, key, messages, policy, MAX_STORED);
  }

  private static SessionState append(
      SessionState state,
      String key,
      List<SessionState.Message> messages,
      MemoryPolicy policy,
      int maxStored) {
    long keepFrom =
        state.keepFrom(
            messages.stream().map(SessionState.Message::role).toList(), policy, maxStored);
    return state.with(
        new SessionEntity.ExchangeAppended(
            key, messages, "m", "stop", policy, keepFrom, T0.plusSeconds(state.exchanges())),
        REMEMBER);
  }

  private static List<Long> seqs(List<SessionState.Entry> entries) {
    return entries.stream().map(SessionState.Entry::seq).toList();
  }

  @Test
  void anEmptySessionDoesNotExistAndSendsNothing() {
    assertThat(SessionState.EMPTY.known()).isFalse();
    SessionState.Window window = SessionState.EMPTY.window(MemoryPolicy.window(4));
    assertThat(window.messages()).isEmpty();
    assertThat(window.summariseBefore()).isZero();
  }

  @Test
  void exchangesAppendInOrderAndAreRememberedByTheirStep() {
    MemoryPolicy policy = MemoryPolicy.window(10);
    SessionState state = exchange(exchange(SessionState.EMPTY, "r1/a", policy), "r2/a", policy);

    assertThat(state.known()).isTrue();
    assertThat(seqs(state.messages())).containsExactly(0L, 1L, 2L, 3L);
    assertThat(state.messages().get(2).hash()).isEqualTo("h-r2/a-q");
    assertThat(state.appended()).isEqualTo(4);
    assertThat(state.exchanges()).isEqualTo(2);
    assertThat(state.createdAt()).isEqualTo(T0);
    assertThat(state.updatedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(state.remembered("r1/a").orElseThrow().answerHash()).isEqualTo("h-r1/a-a");
    assertThat(state.remembered("r3/a")).isEmpty();
  }

  @Test
  void theWindowPolicyKeepsTheLastMessagesFromAUserMessageOn() {
    MemoryPolicy policy = MemoryPolicy.window(3);
    SessionState state = SessionState.EMPTY;
    for (int i = 1; i <= 4; i++) {
      state = exchange(state, "r" + i + "/a", policy);
    }
    // Three would start at an answer: the window starts at the question after it.
    assertThat(seqs(state.messages())).containsExactly(6L, 7L);
    assertThat(state.dropped()).isEqualTo(6);
    assertThat(state.appended()).isEqualTo(8);
    assertThat(seqs(state.window(policy).messages())).containsExactly(6L, 7L);
  }

  @Test
  void aSmallerWindowSendsLessWithoutForgettingMore() {
    MemoryPolicy wide = MemoryPolicy.window(10);
    SessionState state = SessionState.EMPTY;
    for (int i = 1; i <= 3; i++) {
      state = exchange(state, "r" + i + "/a", wide);
    }
    assertThat(seqs(state.window(MemoryPolicy.window(2)).messages())).containsExactly(4L, 5L);
    assertThat(state.messages()).hasSize(6);
  }

  @Test
  void theSummaryPolicyAsksForASummaryOnceThereAreMoreThanItsMost() {
    MemoryPolicy policy = MemoryPolicy.summary(4, 2);
    SessionState state = exchange(exchange(SessionState.EMPTY, "r1/a", policy), "r2/a", policy);
    assertThat(state.window(policy).summariseBefore()).isZero();

    state = exchange(state, "r3/a", policy);
    SessionState.Window window = state.window(policy);
    assertThat(seqs(window.messages())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    // The last two (one question and its answer) stay; the four before go into the summary.
    assertThat(window.summariseBefore()).isEqualTo(4);
    assertThat(state.takesSummary(0, 4)).isTrue();

    SessionState summarised = state.with(new SessionEntity.Summarised("h-sum", 4, T0));
    assertThat(seqs(summarised.messages())).containsExactly(4L, 5L);
    assertThat(summarised.summary()).isEqualTo(new SessionState.Summary("h-sum", 4));
    assertThat(summarised.summarised()).isEqualTo(4);
    assertThat(summarised.window(policy).summariseBefore()).isZero();
  }

  @Test
  void aSummaryWrittenOnAnOlderOneIsNotTaken() {
    MemoryPolicy policy = MemoryPolicy.summary(2, 0);
    SessionState state = exchange(exchange(SessionState.EMPTY, "r1/a", policy), "r2/a", policy);
    assertThat(state.window(policy).summariseBefore()).isEqualTo(4);
    SessionState summarised = state.with(new SessionEntity.Summarised("h-1", 4, T0));

    // Another step summarised the same messages meanwhile: its summary was based on none.
    assertThat(summarised.takesSummary(0, 4)).isFalse();
    assertThat(summarised.takesSummary(4, 4)).isFalse();
    assertThat(summarised.takesSummary(4, 9)).isFalse();
    SessionState more = exchange(exchange(summarised, "r3/a", policy), "r4/a", policy);
    assertThat(more.takesSummary(4, 8)).isTrue();
  }

  @Test
  void theNodesBoundHoldsForTheSummaryPolicyToo() {
    MemoryPolicy policy = MemoryPolicy.summary(400, 10);
    SessionState state = SessionState.EMPTY;
    for (int i = 1; i <= 4; i++) {
      List<SessionState.Message> messages = new ArrayList<>();
      messages.add(new SessionState.Message("user", "q" + i));
      messages.add(new SessionState.Message("assistant", "a" + i));
      state = append(state, "r" + i + "/a", messages, policy, 5);
    }
    assertThat(seqs(state.messages())).containsExactly(4L, 5L, 6L, 7L);
    assertThat(state.dropped()).isEqualTo(4);
  }

  @Test
  void onlyTheLatestExchangesAreRemembered() {
    MemoryPolicy policy = MemoryPolicy.window(2);
    SessionState state = SessionState.EMPTY;
    for (int i = 0; i < REMEMBER + 5; i++) {
      state = exchange(state, "r" + i + "/a", policy);
    }
    assertThat(state.recent()).hasSize(REMEMBER);
    assertThat(state.remembered("r4/a")).isEmpty();
    assertThat(state.remembered("r5/a")).isPresent();
  }
}
