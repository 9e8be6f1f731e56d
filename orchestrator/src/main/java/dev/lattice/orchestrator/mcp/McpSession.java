package dev.lattice.orchestrator.mcp;

/** One client's MCP session: its id and the protocol version it negotiated. */
final class McpSession {
  private final String id;
  private final String protocolVersion;
  private volatile long lastUsed;

  McpSession(String id, String protocolVersion, long now) {
    this.id = id;
    this.protocolVersion = protocolVersion;
    this.lastUsed = now;
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
