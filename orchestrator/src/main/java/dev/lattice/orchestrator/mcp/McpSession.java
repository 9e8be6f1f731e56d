package dev.lattice.orchestrator.mcp;

/**
 * One client's MCP session: its id, the protocol version it negotiated, and the principal that
 * opened it, the only one that may use it.
 */
final class McpSession {
  private final String id;
  private final String protocolVersion;
  private final String owner;
  private volatile long lastUsed;

  McpSession(String id, String protocolVersion, String owner, long now) {
    this.id = id;
    this.protocolVersion = protocolVersion;
    this.owner = owner;
    this.lastUsed = now;
  }

  /** The name of the principal that opened it. */
  String owner() {
    return owner;
  }

  String id() {
    return id;
  }

  String protocolVersion() {
    return protocolVersion;
  }

  long lastUsed() {
    return lastUsed;
  }

  void used(long now) {
    lastUsed = now;
  }
}
