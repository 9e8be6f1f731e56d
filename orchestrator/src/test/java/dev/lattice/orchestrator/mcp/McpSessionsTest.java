package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class McpSessionsTest {
  private static final String OWNER = "key:key_a";
  private final MutableClock clock = new MutableClock();

  @Test
  void aSessionIsFoundUntilItEndsOrStaysIdleTooLong() {
    McpSessions sessions = new McpSessions(10, Duration.ofMinutes(5), clock);
    McpSession ended = sessions.open("2025-11-25", OWNER);
    McpSession idle = sessions.open("2025-06-18", OWNER);

    assertThat(sessions.find(ended.id(), OWNER)).contains(ended);
    assertThat(sessions.close(ended.id(), OWNER)).isTrue();
    assertThat(sessions.find(ended.id(), OWNER)).isEmpty();
    assertThat(sessions.close(ended.id(), OWNER)).isFalse();

    clock.advance(Duration.ofMinutes(4));
    assertThat(sessions.find(idle.id(), OWNER))
        .map(McpSession::protocolVersion)
        .contains("2025-06-18");
    clock.advance(Duration.ofMinutes(4));
    // Used four minutes ago: still there.
    assertThat(sessions.find(idle.id(), OWNER)).isPresent();
    clock.advance(Duration.ofMinutes(6));
    assertThat(sessions.find(idle.id(), OWNER)).isEmpty();
  }

  @Test
  void pastTheLimitTheLeastRecentlyUsedSessionIsForgotten() {
    McpSessions sessions = new McpSessions(2, Duration.ofHours(1), clock);
    McpSession first = sessions.open("2025-11-25", OWNER);
    clock.advance(Duration.ofSeconds(1));
    McpSession second = sessions.open("2025-11-25", OWNER);
    clock.advance(Duration.ofSeconds(1));
    sessions.find(first.id(), OWNER);
    clock.advance(Duration.ofSeconds(1));

    McpSession third = sessions.open("2025-11-25", OWNER);

    assertThat(sessions.size()).isEqualTo(2);
    assertThat(sessions.find(second.id(), OWNER)).isEmpty();
    assertThat(sessions.find(first.id(), OWNER)).isPresent();
    assertThat(sessions.find(third.id(), OWNER)).isPresent();
    assertThat(third.id()).hasSize(48).matches("[0-9a-f]+").isNotEqualTo(first.id());
  }

  @Test
  void aSessionIsOnlyItsOwnersToUseOrEnd() {
    McpSessions sessions = new McpSessions(10, Duration.ofMinutes(5), clock);
    McpSession session = sessions.open("2025-11-25", OWNER);

    assertThat(sessions.find(session.id(), "key:key_b")).isEmpty();
    assertThat(sessions.close(session.id(), "key:key_b")).isFalse();
    assertThat(sessions.find(session.id(), OWNER)).contains(session);
    assertThat(sessions.close(session.id(), OWNER)).isTrue();
  }
}
