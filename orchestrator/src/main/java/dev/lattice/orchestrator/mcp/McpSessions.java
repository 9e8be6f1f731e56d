package dev.lattice.orchestrator.mcp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MCP sessions this node has opened: what protocol version each negotiated. Sessions hold
 * nothing durable — runs and tasks live in the journal and any node answers for them — so a client
 * whose session is forgotten (the node restarted, or another node answers) initializes again, as
 * the transport specification asks of it on a 404.
 */
final class McpSessions {
  private static final int ID_BYTES = 24;

  private final Map<String, McpSession> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final int max;
  private final Duration idleTimeout;
  private final Clock clock;

  McpSessions(int max, Duration idleTimeout, Clock clock) {
    this.max = max;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  /** Opens a session that speaks {@code protocolVersion} for the principal {@code owner}. */
  McpSession open(String protocolVersion, String owner) {
    forgetIdle();
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    // Visible ASCII only, as the transport requires; unguessable, since it is the session's key.
    McpSession session =
        new McpSession(HexFormat.of().formatHex(bytes), protocolVersion, owner, clock.millis());
    sessions.put(session.id(), session);
    return session;
  }

  /**
   * The session {@code id} of {@code owner}, marked as used now; empty when unknown, expired or
   * another principal's (a session id that leaked is of no use to anyone else).
   */
  Optional<McpSession> find(String id, String owner) {
    McpSession session = sessions.get(id);
    if (session == null || !session.owner().equals(owner)) {
      return Optional.empty();
    }
    long now = clock.millis();
    if (now - session.lastUsed() > idleTimeout.toMillis()) {
      sessions.remove(id);
      return Optional.empty();
    }
    session.used(now);
    return Optional.of(session);
  }

  /** Ends the session {@code id} of {@code owner}; whether there was one. */
  boolean close(String id, String owner) {
    McpSession session = sessions.get(id);
    return session != null && session.owner().equals(owner) && sessions.remove(id, session);
  }

  int size() {
    return sessions.size();
  }

  /** Drops expired sessions and, above the limit, the least recently used ones. */
  private void forgetIdle() {
    long now = clock.millis();
    sessions.values().removeIf(s -> now - s.lastUsed() > idleTimeout.toMillis());
    while (sessions.size() >= max && !sessions.isEmpty()) {
      sessions.values().stream()
          .min(Comparator.comparingLong(McpSession::lastUsed))
          .ifPresent(oldest -> sessions.remove(oldest.id()));
    }
  }
}
