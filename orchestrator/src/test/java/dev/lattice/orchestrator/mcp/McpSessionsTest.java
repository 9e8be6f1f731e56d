package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class McpSessionsTest {
  private final MutableClock clock = new MutableClock();

  @Test
  void aSessionIsFoundUntilItEndsOrStaysIdleTooLong() {
    McpSessions sessions = new McpSessions(10, Duration.ofMinutes(5), clock);
    McpSession ended = sessions.open("2025-11-25");
    McpSession idle = sessions.open("2025-06-18");

    assertThat(sessions.find(ended.id())).contains(ended);
    assertThat(sessions.close(ended.id())).isTrue();
    assertThat(sessions.find(ended.id())).isEmpty();
    assertThat(sessions.close(ended.id())).isFalse();

    clock.advance(Duration.ofMinutes(4));
    assertThat(sessions.find(idle.id())).map(McpSession::protocolVersion).contains("2025-06-18");
    clock.advance(Duration.ofMinutes(4));
    // Used four minutes ago: still there.
    assertThat(sessions.find(idle.id())).isPresent();
    clock.advance(Duration.ofMinutes(6));
    assertThat(sessions.find(idle.id())).isEmpty();
  }

  @Test
  void pastTheLimitTheLeastRecentlyUsedSessionIsForgotten() {
    McpSessions sessions = new McpSessions(2, Duration.ofHours(1), clock);
    McpSession first = sessions.open("2025-11-25");
    clock.advance(Duration.ofSeconds(1));
    McpSession second = sessions.open("2025-11-25");
    clock.advance(Duration.ofSeconds(1));
    sessions.find(first.id());
    clock.advance(Duration.ofSeconds(1));

    McpSession third = sessions.open("2025-11-25");

    assertThat(sessions.size()).isEqualTo(2);
    assertThat(sessions.find(second.id())).isEmpty();
    assertThat(sessions.find(first.id())).isPresent();
    assertThat(sessions.find(third.id())).isPresent();
    assertThat(third.id()).hasSize(48).matches("[0-9a-f]+").isNotEqualTo(first.id());
  }
}
